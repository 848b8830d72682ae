export * from './feeds.js';
export * from './vulns.js';
export * from './deadlines.js';
export * from './end-of-life.js';
export * from './lifecycle.js';
