export { EXPOSURE_CONTROLS, createExposureEngine, exposureEngine, matchService, type EvidenceKind, type ExposureMatch, type ExposureSettings } from './exposure.js';
