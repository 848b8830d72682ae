/**
 * Public API of streaming detection: the engine (events in, alerts out), the
 * pipeline (files and streams in), the rules and their defaults, and the alert
 * shapes and sinks. The parsers are in ./parse.
 */
export type { AuthEvent, FailureReason } from './event.js';
export { DetectionEngine, buildDetectors, type EngineOptions, type EngineStats } from './engine.js';
export { DetectionPipeline, fileInput, type Input, type PipelineCounters, type PipelineOptions, type PipelineResult } from './pipeline.js';
export { followInput, type FollowOptions } from './follow.js';
export {
  AlertBook,
  alertId,
  mergeGap,
  toCoreAlert,
  type AlertEvent,
  type AlertSink,
  type DetectionAlert,
  type Evidence,
} from './alerts.js';
export { buildRuleSet, defaultRuleSet, parseRuleFile, userMatcher, type Rule, type RuleSet, type MatchFilter, type AllowList } from './rules.js';
export { CONTROLS, DEFAULT_RULE_FILE } from './defaults.js';
export { parseDuration, parseSince, formatDuration } from './duration.js';
export { CidrSet, sourceKey, networkKey, type SourceKey } from './net.js';
export { defaultRegistry, registryOf, type ParserRegistry } from './registry.js';
export { LineSplitter, type LineStats } from './lines.js';
