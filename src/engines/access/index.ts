/**
 * The access engine: the hub's access graph, blast radius, what-if answers and
 * access findings (docs/access.md).
 */
export { buildAccessGraph, GraphBuilder, isHubSource, type BuildOptions, type GraphInput } from './graph-build.js';
export { NODE_KINDS, EDGE_KINDS, nodeRef, privilegeName, type AccessGraph, type EdgeKind, type NodeKind, type NodeRef } from './graph.js';
export { RadiusIndex, type RadiusIndexOptions } from './radii.js';
export {
  blastRadius, chokepoints, compareChokepoints, formatPath, hubSources,
  type AssetReach, type BlastRadius, type Chokepoint, type CustomerReach, type EdgeLabel, type PathStep, type RadiusOptions,
} from './radius.js';
export type { Attacker, RadiusSummary } from './traverse.js';
export { baseIndex, describeWhatIf, indexAfter, parseWhatIf, planWhatIf, whatIf, type CustomerChange, type WhatIfChange, type WhatIfPlan, type WhatIfResult } from './whatif.js';
export { ACCESS_CONTROLS, accessEngine, accessFindings } from './findings.js';
