export * from './common.js';
export * from './organization.js';
export * from './identity.js';
export * from './access.js';
export * from './asset.js';
export * from './governance.js';
export * from './records.js';
export * from './kinds.js';
