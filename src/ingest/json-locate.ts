/**
 * Finds the offset of the first JSON syntax error (RFC 8259), so messages point
 * at the right line: Node's JSON.parse reports no position for many errors.
 * An iterative state machine, so deep nesting cannot overflow the stack.
 * Returns -1 when the text is valid JSON.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: number[] = []; // char codes of the open containers: 0x5b '[' or 0x7b '{'
  // 'value': a value must come; 'first': a value or a close ']' may come; 'key' / 'firstKey': likewise in an object;
  // 'after': a ',' or a close must come.
  let state: 'value' | 'first' | 'key' | 'firstKey' | 'after' = 'value';
  let i = 0;
  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  const readString = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (;;) {
    skipWs();
    const c = text.charCodeAt(i);
    const close = stack.length ? (stack[stack.length - 1] === 0x5b ? 0x5d : 0x7d) : -1;
    if (state === 'after') {
      if (!stack.length) return i < n ? i : -1;
      if (c === 44) {
        i++;
        state = close === 0x5d ? 'value' : 'key';
      } else if (c === close) {
        i++;
        stack.pop();
      } else return i;
      continue;
    }
    if ((state === 'first' || state === 'firstKey') && c === close) {
      i++;
      stack.pop();
      state = 'after';
      continue;
    }
    if (state === 'key' || state === 'firstKey') {
      if (c !== 34 || !readString()) return i;
      skipWs();
      if (text.charCodeAt(i) !== 58) return i;
      i++;
      state = 'value';
      continue;
    }
    // A value.
    if (i >= n) return i;
    if (c === 34) {
      if (!readString()) return i;
    } else if (c === 0x5b || c === 0x7b) {
      stack.push(c);
      i++;
      state = c === 0x5b ? 'first' : 'firstKey';
      continue;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else {
      NUM.lastIndex = i;
      const m = NUM.exec(text);
      if (!m || !m[0].length) return i;
      i += m[0].length;
    }
    state = 'after';
  }
}

/**
 * Offsets of the elements of the JSON document's record lists: the top-level
 * array (key `''`) and the arrays held by top-level keys (key = that key). One
 * linear pass that skips strings, so every record of a large file gets its line
 * without building a syntax tree. Assumes text that JSON.parse accepted.
 */
export function jsonRecordOffsets(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const n = text.length;
  // Per open container: is it an array, and the list collecting its elements (arrays at depth ≤ 2 only).
  const stack: { array: boolean; list?: number[] }[] = [];
  let lastKey = '';
  let expectValue = true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    const top = stack[stack.length - 1];
    if (expectValue && c !== 93 && top?.array && top.list) top.list.push(i);
    if (c === 34) {
      const start = i + 1;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      if (stack.length === 1 && !stack[0]!.array && !expectValue) lastKey = text.slice(start, i);
      expectValue = false;
    } else if (c === 91 || c === 123) {
      const array = c === 91;
      const depth = stack.length;
      const key = depth === 0 ? '' : depth === 1 && !stack[0]!.array ? lastKey : undefined;
      const list = array && key !== undefined ? [] : undefined;
      if (list) out.set(key!, list);
      stack.push({ array, list });
      expectValue = array;
    } else if (c === 93 || c === 125) {
      stack.pop();
      expectValue = false;
    } else if (c === 44) {
      expectValue = stack[stack.length - 1]?.array ?? false;
    } else if (c === 58) {
      expectValue = true;
    } else {
      // A literal or number: skip to its end.
      while (i + 1 < n && !',]} \t\r\n'.includes(text[i + 1]!)) i++;
      expectValue = false;
    }
  }
  return out;
}
