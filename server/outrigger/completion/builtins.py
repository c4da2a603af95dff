"""Names a language provides without a definition or an import in the file: a completion may
use these. Languages without a table here get only the file's, the map's and the
completion's own names, so their completions are checked more strictly, never less."""

from __future__ import annotations

import builtins

_PYTHON = frozenset(dir(builtins)) | {"self", "cls", "__name__", "__file__", "__doc__", "__class__"}

_JAVASCRIPT = frozenset(
    """
    undefined NaN Infinity globalThis window document console process require module exports
    __dirname __filename Object Array String Number Boolean Symbol BigInt Function Math JSON Date
    RegExp Error TypeError RangeError SyntaxError ReferenceError EvalError URIError AggregateError
    Promise Map Set WeakMap WeakSet WeakRef Proxy Reflect Intl ArrayBuffer SharedArrayBuffer DataView
    Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array
    Float64Array BigInt64Array BigUint64Array parseInt parseFloat isNaN isFinite encodeURI
    encodeURIComponent decodeURI decodeURIComponent setTimeout clearTimeout setInterval
    clearInterval setImmediate clearImmediate queueMicrotask structuredClone fetch URL
    URLSearchParams TextEncoder TextDecoder Buffer AbortController Event EventTarget crypto
    performance arguments describe it test expect beforeEach afterEach beforeAll afterAll jest
    string number boolean any unknown never void object Record Partial Required Readonly Pick Omit
    Exclude Extract NonNullable ReturnType Parameters Awaited Iterable Iterator
    """.split()
)

_GO = frozenset(
    """
    append cap clear close complex copy delete imag len make max min new panic print println real
    recover bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune
    string uint uint8 uint16 uint32 uint64 uintptr any comparable true false iota nil
    """.split()
)

_RUST = frozenset(
    """
    Some None Ok Err Option Result Vec String Box Rc Arc Cell RefCell HashMap HashSet BTreeMap
    BTreeSet VecDeque Self self println print eprintln eprint format vec panic assert assert_eq
    assert_ne debug_assert unreachable todo unimplemented write writeln matches i8 i16 i32 i64
    i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str Default Clone Copy Debug PartialEq
    Eq PartialOrd Ord Hash Iterator IntoIterator From Into ToString Display
    """.split()
)

BUILTINS: dict[str, frozenset[str]] = {
    "python": _PYTHON,
    "javascript": _JAVASCRIPT,
    "typescript": _JAVASCRIPT,
    "tsx": _JAVASCRIPT,
    "go": _GO,
    "rust": _RUST,
}


def builtin_names(language: str | None) -> frozenset[str]:
    return BUILTINS.get(language or "", frozenset())
