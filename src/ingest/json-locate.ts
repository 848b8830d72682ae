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
