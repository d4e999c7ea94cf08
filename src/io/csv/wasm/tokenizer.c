// The CSV tokenizer of src/io/csv/tokenizer.ts (tokenizeRows), statement for statement, compiled to
// WebAssembly by scripts/build-wasm-csv.sh. Same contract: field spans [start, end) row-major with
// numColumns slots per row, the same stop statuses, bad-row marks, line counting and cursor rules; the
// TypeScript function stays the reference (test/io/csv-wasm-tokenizer.test.ts compares the two).
// JS lays out the memory: the bytes at `buf`, the span arrays wherever it likes (4- and 8-byte aligned).

#include <wasm_simd128.h>

typedef unsigned char u8;

enum { ROWS_FULL = 0, NEED_MORE = 1, END = 2, UNTERMINATED_QUOTE = 3 };
enum { LF = 10, CR = 13, SPACE = 32 };

// state: [0] pos, [1] rows held, [2] bad rows; line: [0] the 1-based line at pos.
int tokenize_rows(const u8 *buf, int end, int eof, int delim, int quote, int escape, int trim, int comment,
    int numColumns, int *starts, int *ends, int *fieldCounts, int *rowStarts, int *rowEnds, double *lines,
    int maxRows, int *state, double *lineState) {
  int pos = state[0], r = state[1], badRows = state[2];
  double line = lineState[0];
  int status = ROWS_FULL;
  const v128_t delims = wasm_i8x16_splat((char)delim), lfs = wasm_i8x16_splat(LF);
  while (r < maxRows) {
    if (pos >= end) {
      status = eof ? END : NEED_MORE;
      break;
    }
    int c = buf[pos];
    if (c == LF || c == CR || c == comment) {
      int next = -1;
      for (int q = pos; q < end; q++) {
        if (buf[q] == LF) {
          next = q + 1;
          break;
        }
      }
      if (next < 0 && !eof) {
        status = NEED_MORE;
        break;
      }
      pos = next < 0 ? end : next;
      line++;
      continue;
    }
    int k = r * numColumns;
    int p = pos, f = 0, malformed = 0, rowEnd = end;
    double ln = line;
    for (;;) {
      if (trim) while (p < end && buf[p] == SPACE) p++;
      int s = p, e;
      if (p < end && buf[p] == quote) {
        p++;
        for (;;) {
          if (p >= end) {
            status = eof ? UNTERMINATED_QUOTE : NEED_MORE;
            goto done;
          }
          c = buf[p];
          if (c == quote) {
            if (p + 1 >= end && !eof) {
              status = NEED_MORE;
              goto done;
            }
            if (escape == quote && p + 1 < end && buf[p + 1] == quote) {
              p += 2;
              continue;
            }
            p++;
            break;
          }
          if (c == escape) p++;
          if (p < end && buf[p] == LF) ln++;
          p++;
        }
        e = p;
        while (p < end && buf[p] == SPACE) p++;
        if (p < end && (c = buf[p]) != delim && c != LF && c != CR) {
          malformed = 1;
          while (p < end && (c = buf[p]) != delim && c != LF) p++;
          e = p;
        }
      } else {
        // The hot loop: an unquoted field. Stop at the delimiter, a line feed, or the end: 16 bytes a step
        // (the caller leaves 16 readable bytes after `end`; a match there counts as the end).
        while (p < end) {
          v128_t v = wasm_v128_load(buf + p);
          unsigned m = wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(v, delims), wasm_i8x16_eq(v, lfs)));
          if (m != 0) {
            p += __builtin_ctz(m);
            break;
          }
          p += 16;
        }
        if (p > end) p = end;
        if (p < end && buf[p] == delim && f < numColumns) {
          // The common case, in short: a field ended by the delimiter (the steps below, taken for it).
          starts[k + f] = s;
          ends[k + f] = p;
          f++;
          p++;
          continue;
        }
        c = p < end ? buf[p] : -1;
        e = p;
        if ((p >= end || c == LF) && e > s && buf[e - 1] == CR) e--;
      }
      if (p >= end && !eof) {
        status = NEED_MORE;
        goto done;
      }
      if (f < numColumns) {
        starts[k + f] = s;
        ends[k + f] = e;
      }
      f++;
      if (p >= end) break;
      c = buf[p];
      if (c == delim) {
        p++;
        continue;
      }
      if (c == CR) {
        if (p + 1 >= end && !eof) {
          status = NEED_MORE;
          goto done;
        }
        p++;
        if (p < end && buf[p] == LF) p++;
        rowEnd = p - 1;
      } else {
        rowEnd = p;
        p++;
      }
      ln++;
      break;
    }
    if (f != numColumns || malformed) {
      for (int j = f; j < numColumns; j++) starts[k + j] = ends[k + j] = rowEnd;
      fieldCounts[r] = malformed ? -1 : f;
      badRows++;
    } else {
      fieldCounts[r] = f;
    }
    rowStarts[r] = pos;
    rowEnds[r] = rowEnd;
    lines[r] = line;
    r++;
    pos = p;
    line = ln;
  }
done:
  state[0] = pos;
  state[1] = r;
  state[2] = badRows;
  lineState[0] = line;
  return status;
}

// ---- dictionary columns: ids of fields found in a mirror of the column's dictionary ----

// A bounded copy of some entries of a JS ByteDictionary (each with its id there): a field found here has
// that id; a field not found (or quoted, or empty) is left to the JS builder, which has the whole dictionary.
// JS lays it out and fills the sizes and pointers; mirror_add fills the rest.
typedef struct {
  int count, maxEntries, used, maxBytes, mask;
  int *table; // mask + 1 slots: entry + 1, 0 = empty; at most half full
  int *hashes, *starts, *lens, *ids;
  u8 *bytes;
} Mirror;

typedef unsigned long long u64;

static inline u64 load64(const u8 *p) {
  u64 v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

// The low `n` (1 to 8) bytes of an 8-byte word.
static inline u64 low_bytes(u64 v, int n) {
  return v & (~0ULL >> (64 - 8 * n));
}

// A hash of the first and last 8 bytes and the length, read 8 bytes at a time: it may read up to 8 bytes past
// the field (the memory has them: the input is followed by slack, the scratch by the input).
static unsigned hash_bytes(const u8 *p, int n) {
  u64 a = 0, b = 0;
  if (n >= 8) {
    a = load64(p);
    b = load64(p + n - 8);
  } else if (n > 0) {
    a = low_bytes(load64(p), n);
  }
  u64 h = (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ (u64)n;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return (unsigned)h;
}

// Whether p[0, n) == q[0, n), 8 bytes at a time (reading up to 7 bytes past both).
static inline int equal_bytes(const u8 *p, const u8 *q, int n) {
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    if (load64(p + j) != load64(q + j)) return 0;
  }
  return j == n || low_bytes(load64(p + j) ^ load64(q + j), n - j) == 0;
}

// Adds `src[0, len)` with dictionary id `id`; 0 when the mirror is full.
int mirror_add(Mirror *m, const u8 *src, int len, int id) {
  if (m->count >= m->maxEntries || m->used + len > m->maxBytes) return 0;
  unsigned h = hash_bytes(src, len);
  int i = m->count++;
  u8 *dst = m->bytes + m->used;
  for (int k = 0; k < len; k++) dst[k] = src[k];
  m->starts[i] = m->used;
  m->lens[i] = len;
  m->ids[i] = id;
  m->hashes[i] = (int)h;
  m->used += len;
  unsigned slot = h & (unsigned)m->mask;
  while (m->table[slot] != 0) slot = (slot + 1) & (unsigned)m->mask;
  m->table[slot] = i + 1;
  return 1;
}

// out[r]: the id of field `column` of row r when it is unquoted, not empty and in the mirror; else -1.
// Returns the number of -1s.
int mirror_lookup(const Mirror *m, const u8 *buf, const int *starts, const int *ends, int stride, int column,
    int rows, int quote, int *out) {
  const unsigned mask = (unsigned)m->mask;
  int misses = 0;
  for (int r = 0; r < rows; r++) {
    int k = r * stride + column, s = starts[k], e = ends[k], id = -1;
    if (e > s && buf[s] != quote) {
      int len = e - s;
      const u8 *p = buf + s;
      unsigned h = hash_bytes(p, len);
      for (unsigned slot = h & mask;; slot = (slot + 1) & mask) {
        int t = m->table[slot];
        if (t == 0) break;
        int i = t - 1;
        if (m->hashes[i] == (int)h && m->lens[i] == len && equal_bytes(m->bytes + m->starts[i], p, len)) {
          id = m->ids[i];
          break;
        }
      }
    }
    out[r] = id;
    misses += id < 0;
  }
  return misses;
}

// ---- int32 columns ----

// out[r], ok[r] = 1: field `column` of row r when it is [spaces][+ or -]digits[spaces] with 1 to 9 digits
// (parseInt32Into accepts it, with this value); else ok[r] = 0 and the JS builder parses it. Returns the 0s.
int int32_column(const u8 *buf, const int *starts, const int *ends, int stride, int column, int rows, int *out,
    u8 *ok) {
  int misses = 0;
  for (int r = 0; r < rows; r++) {
    int k = r * stride + column, s = starts[k], e = ends[k];
    while (s < e && buf[s] == SPACE) s++;
    while (e > s && buf[e - 1] == SPACE) e--;
    int negative = 0;
    if (s < e && (buf[s] == '-' || buf[s] == '+')) negative = buf[s++] == '-';
    int n = e - s, v = 0, good = n >= 1 && n <= 9;
    for (int p = s; good && p < e; p++) {
      unsigned digit = (unsigned)buf[p] - '0';
      if (digit > 9) good = 0;
      v = v * 10 + (int)digit;
    }
    out[r] = negative ? -v : v;
    ok[r] = (u8)good;
    misses += !good;
  }
  return misses;
}
