/**
 * Splits a large JSON document's record list without building one syntax tree
 * for the whole file: each element is then parsed on its own and reduced to
 * what Hubguard keeps, so peak memory is the text plus the kept data, not the
 * text plus every record's full object graph. The scans skip strings (with
 * escapes) and assume nothing else about validity: every slice is still given
 * to JSON.parse.
 */

const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Index just past the string that starts (with `"`) at `i`. */
function skipString(text: string, i: number): number {
  const n = text.length;
  for (i++; i < n; i++) {
    const d = text.charCodeAt(i);
    if (d === 92) i++;
    else if (d === 34) return i + 1;
  }
  return n;
}

/** The `[` and matching `]` offsets of the array held by top-level key `key`, or undefined. */
export function topLevelArray(text: string, key: string): { start: number; end: number } | undefined {
  const n = text.length;
  let depth = 0;
  let lastString = '';
  let keyReady = false;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isWs(c)) continue;
    if (c === 34) {
      const end = skipString(text, i);
      if (depth === 1) lastString = text.slice(i + 1, end - 1);
      i = end - 1;
      continue;
    }
    if (c === 58) {
      keyReady = depth === 1 && lastString === key;
      continue;
    }
    if (c === 91 || c === 123) {
      if (depth === 1 && c === 91 && keyReady) start = i;
      depth++;
    } else if (c === 93 || c === 125) {
      depth--;
      if (start >= 0 && depth === 1) return { start, end: i };
      if (depth < 0) return undefined;
    }
    keyReady = false;
  }
  return undefined;
}

/** [start, end) of each element of the array spanning `[start ... end]`. */
export function* arrayElements(text: string, start: number, end: number): Generator<[number, number]> {
  let depth = 0;
  let elem = -1;
  let last = -1;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isWs(c)) continue;
    if (c === 34) {
      if (elem < 0) elem = i;
      i = skipString(text, i) - 1;
      last = i;
      continue;
    }
    if (c === 44 && depth === 0) {
      yield [elem < 0 ? i : elem, elem < 0 ? i : last + 1];
      elem = -1;
      continue;
    }
    if (elem < 0) elem = i;
    if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth--;
    last = i;
  }
  if (elem >= 0) yield [elem, last + 1];
}
