import { pathToFileURL } from 'node:url';
import { AREAS } from '../core/index.js';
import { catalog, type Catalog, type Control } from './catalog.js';

/** The command that regenerates docs/controls.md; the drift test and the page itself print it. */
export const RENDER_DOCS_COMMAND = 'npx tsx src/catalog/render-docs.ts > docs/controls.md';

/** Escapes text for a Markdown table cell (a `|` would end the cell, a newline the row). */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** `name: value` pairs of a control's defaults, or an em dash when it has none. */
const defaultsCell = (c: Control) => {
  const entries = Object.entries(c.defaults);
  return entries.length ? entries.map(([k, v]) => `\`${k}: ${v}\``).join(', ') : '—';
};

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').trim().replace(/\s/g, '-');

/**
 * Renders docs/controls.md from a catalog: an introduction, a table of contents and
 * one section per area with a table (id, title, duty, severity, defaults) followed
 * by each control's description, evidence and references. Output is deterministic
 * (no clock, catalog order) so the committed page can be compared byte for byte.
 */
export function renderControlsDoc(cat: Catalog = catalog()): string {
  const out: string[] = [];
  const withDefaults = cat.controls.filter((c) => Object.keys(c.defaults).length > 0).length;
  out.push(
    `<!-- Generated from src/catalog/controls.yaml by src/catalog/render-docs.ts; do not edit by hand.`,
    `     Regenerate with: ${RENDER_DOCS_COMMAND} -->`,
    '',
    '# Hubguard control catalog',
    '',
    `Catalog version **${cat.version}** (${cat.date}): ${cat.controls.length} controls in ${AREAS.length} areas.`,
    '',
    `Source: ${cell(cat.source)}`,
    '',
    'This catalog lists the controls Hubguard checks, and every finding names the control it fails.',
    'A control states something that must be true of an MSP and its customers, whose duty it is',
    '(the MSP, the customer, or shared between them), the severity a finding against it gets by default,',
    'and which data shows whether it holds. The catalog is data (`src/catalog/controls.yaml`), checked',
    'against a strict schema when it is loaded, and versioned: any change to it bumps the version, so a',
    'result can be traced to the catalog that produced it.',
    '',
    '**Ids are stable.** A control id has the form `hg.ctl.<area>.<name>`, so the area of any finding can',
    'be read from its id. Once published, an id always means the same requirement: wording, severity and',
    'defaults may be refined, but an id is never renamed or reused. Contracts (the responsibility',
    'matrix of an agreement), settings and reports refer to controls by id and keep working across',
    'upgrades.',
    '',
    `**Tuning defaults.** ${withDefaults} controls have defaults: named parameters such as`,
    '`retentionDays` or `maxDays` that set a threshold. A user overrides them per control by id and name',
    '(for example `hg.ctl.logging.retention` → `retentionDays: 365`). An override must name a parameter',
    'the control has and keep its type (a non-negative number, or true/false); anything else is rejected',
    'with `HG_ERR_CONFIG` rather than ignored. Severities are defaults too: a finding starts at the',
    "severity of its control.",
    '',
    '**Duty** is the default owner. The agreement between an MSP and a customer may assign a control',
    'differently; a control it leaves unassigned is itself a finding (`hg.ctl.transparency.unassigned-controls`).',
    '',
    '## Areas',
    '',
  );
  for (const a of AREAS) {
    const heading = `${a.n}. ${a.title}`;
    const n = cat.controls.filter((c) => c.area === a.n).length;
    out.push(`- [${heading}](#${anchor(heading)}) — ${n} controls`);
  }
  for (const a of AREAS) {
    const controls = cat.controls.filter((c) => c.area === a.n);
    out.push('', `## ${a.n}. ${a.title}`, '', `Area slug: \`${a.slug}\`.`, '');
    out.push('| id | title | duty | severity | defaults |', '|---|---|---|---|---|');
    for (const c of controls) {
      out.push(`| \`${c.id}\` | ${cell(c.title)} | ${c.duty} | ${c.severity} | ${defaultsCell(c)} |`);
    }
    out.push('');
    for (const c of controls) {
      out.push(
        `- **\`${c.id}\`** — ${cell(c.description)}`,
        `  *Evidence:* ${c.evidence.join(', ')}. *References:* ${c.references.map(cell).join('; ')}.`,
      );
    }
  }
  out.push('');
  return out.join('\n');
}

// Run as a script: print the page (see RENDER_DOCS_COMMAND).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(renderControlsDoc());
}
