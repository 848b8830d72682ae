/**
 * A streaming framer for JSON documents spread over many lines (RFC 8259):
 * pretty-printed arrays of records, and API pages that wrap them
 * (`{"value": [...]}` from Microsoft Graph, `{"records": [...]}` from Azure
 * diagnostic exports). It cuts out each record object as text, one line at a
 * time, without holding the whole document: memory is bounded by the largest
 * record ({@link MAX_RECORD}).
 *
 * Which objects are records: elements of a top-level array; elements of a
 * wrapper array (a top-level key named in {@link WRAPPER_KEYS}); otherwise the
 * top-level object itself.
 */
import { MAX_RECORD } from './types.js';

/** Keys whose array holds the records of a wrapped page. */
export const WRAPPER_KEYS = new Set(['value', 'records', 'Records']);

/** Framer state for one file (kept in ParseContext.state). */
export interface FrameState {
  /** Open containers, `{` or `[`, outermost first. */
  stack: number[];
  inString: boolean;
  escape: boolean;
  /** Text of the string being read, when it may be a wrapper key (depth 1 only, short). */
  key: string;
  keyOpen: boolean;
  lastKey: string;
  /** Depth at which records sit (1 for a top-level array or object, 2 inside a wrapper). */
  recordDepth: number;
  /** Parts of the record being collected, and where it started. */
  parts: string[];
  size: number;
  collecting: boolean;
  startLine: number;
  /** The record was too large: skip to its end. */
  overflow: boolean;
}

/** A new framer state. */
export function newFrame(): FrameState {
  return {
    stack: [],
    inString: false,
    escape: false,
    key: '',
    keyOpen: false,
    lastKey: '',
    recordDepth: 1,
    parts: [],
    size: 0,
    collecting: false,
    startLine: 0,
    overflow: false,
  };
}

/** One framed record: its text (or an error) and the line it began on. */
export interface Framed {
  text?: string;
  error?: 'record-too-large' | 'bad-json';
  line: number;
}

/** Whether the framer is inside a document (more lines belong to it). */
export const framing = (st: FrameState): boolean => st.stack.length > 0;

/**
 * Feeds one line (without its newline); returns the records it completed.
 * Malformed structure (a `]` closing a `{`) resets the framer and reports `bad-json`.
 */
export function feed(st: FrameState, line: string, lineNo: number): Framed[] {
  const out: Framed[] = [];
  let segStart = st.collecting ? 0 : -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (st.inString) {
      if (st.escape) st.escape = false;
      else if (c === 92) st.escape = true;
      else if (c === 34) {
        st.inString = false;
        if (st.keyOpen) {
          st.lastKey = st.key;
          st.keyOpen = false;
        }
      } else if (st.keyOpen) {
        if (st.key.length < 32) st.key += line[i];
        else st.keyOpen = false;
      }
      continue;
    }
    const depth = st.stack.length;
    if (c === 34) {
      st.inString = true;
      if (depth === 1 && st.stack[0] === 123) {
        st.key = '';
        st.keyOpen = true;
      }
    } else if (c === 123 || c === 91) {
      if (c === 91 && depth === 1 && st.stack[0] === 123 && WRAPPER_KEYS.has(st.lastKey) && st.recordDepth === 1) {
        // A wrapper page: records are the elements of this array; drop what was collected of the page.
        st.recordDepth = 2;
        st.collecting = false;
        st.parts = [];
        st.size = 0;
        segStart = -1;
      }
      if (c === 123 && !st.collecting && isRecordSlot(st)) {
        st.collecting = true;
        st.startLine = lineNo;
        st.parts = [];
        st.size = 0;
        st.overflow = false;
        segStart = i;
      }
      if (st.stack.length >= 256) {
        reset(st);
        out.push({ error: 'bad-json', line: lineNo });
        return out;
      }
      st.stack.push(c);
    } else if (c === 125 || c === 93) {
      const open = st.stack.pop();
      if (open === undefined || (c === 125 ? open !== 123 : open !== 91)) {
        reset(st);
        out.push({ error: 'bad-json', line: lineNo });
        return out;
      }
      if (st.collecting && c === 125 && st.stack.length === recordOpenDepth(st)) {
        const seg = line.slice(segStart < 0 ? 0 : segStart, i + 1);
        if (st.overflow || st.size + seg.length > MAX_RECORD) out.push({ error: 'record-too-large', line: st.startLine });
        else {
          st.parts.push(seg);
          out.push({ text: st.parts.join('\n'), line: st.startLine });
        }
        st.collecting = false;
        st.parts = [];
        st.size = 0;
        segStart = -1;
      }
      if (st.stack.length === 0) st.recordDepth = 1;
    }
  }
  if (st.collecting) {
    const seg = segStart < 0 ? line : line.slice(segStart);
    if (st.size + seg.length > MAX_RECORD) {
      st.overflow = true;
      st.parts = [];
    } else if (!st.overflow) {
      st.parts.push(seg);
      st.size += seg.length + 1;
    }
  }
  return out;
}

/** Depth of the stack just outside a record object. */
const recordOpenDepth = (st: FrameState): number => (st.recordDepth === 2 ? 2 : st.stack[0] === 91 ? 1 : 0);

/** Whether an object opening now is a record: top level, in a top-level array, or in a wrapper array. */
function isRecordSlot(st: FrameState): boolean {
  const d = st.stack.length;
  if (d === 0) return true;
  if (d === 1) return st.stack[0] === 91;
  return d === 2 && st.recordDepth === 2 && st.stack[1] === 91;
}

/** Forgets everything (after malformed input). */
export function reset(st: FrameState): void {
  Object.assign(st, newFrame());
}
