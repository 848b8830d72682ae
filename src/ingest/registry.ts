import type { Importer } from './importer.js';
import { workspaceImporter } from './workspace/importer.js';
import { IDENTITY_IMPORTERS } from './identity/importers.js';
import { SCAN_IMPORTERS } from './scans/importers.js';

/** Every importer `hubguard import` offers files to. Later formats are added here. */
export const IMPORTERS: readonly Importer[] = [workspaceImporter, ...IDENTITY_IMPORTERS, ...SCAN_IMPORTERS];
