import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog } from './catalog.js';
import { RENDER_DOCS_COMMAND, renderControlsDoc } from './render-docs.js';

describe('docs/controls.md', () => {
  it('is exactly what render-docs produces from the catalog', () => {
    const committed = readFileSync(new URL('../../docs/controls.md', import.meta.url), 'utf8');
    expect(committed, `docs/controls.md is out of date; regenerate it with: ${RENDER_DOCS_COMMAND}`).toBe(renderControlsDoc());
  });
});

describe('renderControlsDoc', () => {
  const page = renderControlsDoc();

  it('lists every control once in a table row with its duty and severity', () => {
    for (const c of catalog().controls) {
      const rows = page.split('\n').filter((l) => l.startsWith(`| \`${c.id}\` |`));
      expect(rows, c.id).toHaveLength(1);
      expect(rows[0]).toContain(`| ${c.duty} | ${c.severity} |`);
    }
  });

  it('shows tunable defaults by name and value', () => {
    expect(page).toMatch(/\| `hg\.ctl\.logging\.retention` \|.*\| `retentionDays: 180` \|/);
    expect(page).toMatch(/\| `hg\.ctl\.privilege\.global-admin-count` \|.*`min: 2`, `max: 8` \|/);
  });

  it('has one section per area, with working table-of-contents links', () => {
    expect(page.match(/^## \d+\. /gm)).toHaveLength(13);
    for (const [, target] of page.matchAll(/\]\(#([^)]+)\)/g)) {
      const headings = [...page.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-'));
      expect(headings).toContain(target);
    }
  });

  it('escapes pipes so a title cannot break its table', () => {
    const base = catalog();
    const first = base.controls[0]!;
    const page2 = renderControlsDoc({ ...base, controls: [{ ...first, title: 'a | b' }] });
    expect(page2).toContain('a \\| b');
  });
});
