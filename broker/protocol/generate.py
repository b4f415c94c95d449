#!/usr/bin/env python3
"""Generates Brook's Kafka protocol message code from broker/protocol/schemas/*.schema.

Usage:
  generate.py codec  --schemas DIR --out DIR   # message structs, ApiKey table (for the library)
  generate.py random --schemas DIR --out DIR   # random message builders (for the tests)

Python 3 standard library only. The schema format is described in
docs/design/protocol-codegen.md. Output files are rewritten only when their text changes.
"""

import argparse
import os
import re
import sys

# ---------------------------------------------------------------------------------------------
# Schema model and parser

FIXED = {
    'bool': ('bool', 1, 'Bool'),
    'int8': ('int8_t', 1, 'Int8'),
    'int16': ('int16_t', 2, 'Int16'),
    'uint16': ('uint16_t', 2, 'Uint16'),
    'int32': ('int32_t', 4, 'Int32'),
    'uint32': ('uint32_t', 4, 'Uint32'),
    'int64': ('int64_t', 8, 'Int64'),
    'float64': ('double', 8, 'Float64'),
    'uuid': ('Uuid', 16, 'Uuid'),
}
INFINITY = 1 << 15


class SchemaError(Exception):
    pass


class Range:
    """A closed version range [lo, hi]; None stands for "no versions"."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def __eq__(self, other):
        return isinstance(other, Range) and (self.lo, self.hi) == (other.lo, other.hi)

    def __contains__(self, v):
        return self.lo <= v <= self.hi

    def versions(self):
        return range(self.lo, self.hi + 1)

    def intersect(self, other):
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        return Range(lo, hi) if lo <= hi else None

    def __repr__(self):
        return f'{self.lo}-{self.hi}'


def parse_range(text, within, where):
    """'3+', '3-9', '3' or 'none', read inside the enclosing range `within`."""
    if text == 'none':
        return None
    m = re.fullmatch(r'(\d+)(\+|-(\d+))?', text)
    if not m:
        raise SchemaError(f'{where}: bad version range {text!r}')
    lo = int(m.group(1))
    if m.group(2) == '+':
        hi = within.hi if within else INFINITY
    elif m.group(3) is not None:
        hi = int(m.group(3))
    else:
        hi = lo
    r = Range(lo, hi)
    if within is not None:
        if r.intersect(within) != r:
            raise SchemaError(f'{where}: range {text} is outside {within}')
    return r


def snake_case(name):
    s = re.sub(r'(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])', '_', name)
    return s.lower()


CPP_KEYWORDS = {'default', 'operator', 'template', 'class', 'delete', 'new', 'register',
                'namespace', 'union', 'struct', 'private', 'public', 'protected', 'this'}


class Field:
    def __init__(self, name, type_name, attrs, versions, where):
        self.name = name
        self.cpp_name = snake_case(name)
        if self.cpp_name in CPP_KEYWORDS:
            self.cpp_name += '_value'
        self.type = type_name
        self.versions = versions
        self.where = where
        self.nullable = None
        self.tag = None
        self.default = None
        self.compact_never = False
        self.children = []  # inline struct fields
        self.struct = None  # resolved Struct for struct and struct-array types
        for key, value in attrs:
            if key == 'versions':
                continue
            if key == 'nullable':
                self.nullable = versions if value is None else parse_range(value, versions, where)
            elif key == 'tag':
                self.tag = int(value)
            elif key == 'default':
                self.default = value
            elif key == 'compact' and value == 'never':
                self.compact_never = True
            else:
                raise SchemaError(f'{where}: unknown attribute {key}')

    @property
    def is_array(self):
        return self.type.startswith('[]')

    @property
    def element_type(self):
        return self.type[2:] if self.is_array else self.type

    def is_struct_type(self, t=None):
        t = t or self.element_type
        return t not in FIXED and t not in ('string', 'bytes', 'records')


class Struct:
    def __init__(self, name, context):
        self.name = name
        self.fields = []
        self.context = context  # versions in which the struct is encoded


class Message:
    def __init__(self, kind, name, versions, flexible, api=None):
        self.kind = kind  # request, response or message
        self.name = name
        self.versions = versions
        self.flexible = flexible  # Range or None
        self.api = api
        self.top = Struct(name, versions)
        self.structs = {}  # name -> Struct (nested and common)
        self.common = []


class Api:
    def __init__(self, name, key, versions, flexible, response_header, advertised):
        self.name, self.key, self.versions, self.flexible = name, key, versions, flexible
        self.response_header = response_header
        self.advertised = advertised
        self.request = self.response = None


class SchemaFile:
    def __init__(self, path):
        self.path = path
        self.stem = os.path.splitext(os.path.basename(path))[0]
        self.api = None
        self.messages = []


def parse_attrs(tokens):
    out = []
    for t in tokens:
        if '=' in t:
            k, v = t.split('=', 1)
            out.append((k, v))
        else:
            out.append((t, None))
    return out


def parse_file(path):
    sf = SchemaFile(path)
    lines = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            text = raw.split('#', 1)[0].rstrip()
            if not text.strip():
                continue
            indent = len(text) - len(text.lstrip(' '))
            if indent % 2:
                raise SchemaError(f'{path}:{n}: indentation must be a multiple of 2')
            lines.append((n, indent // 2, text.split()))
    i = 0
    message = None
    # Stack of (depth, container list of fields, context range, struct being filled)
    stack = []
    while i < len(lines):
        n, depth, tokens = lines[i]
        where = f'{path}:{n}'
        if depth == 0:
            word = tokens[0]
            attrs = dict(parse_attrs(tokens[2:]))
            if word == 'api':
                versions = parse_range(attrs['versions'], None, where)
                flexible = parse_range(attrs.get('flexible', 'none'), versions, where)
                sf.api = Api(tokens[1], int(attrs['key']), versions, flexible,
                             int(attrs['response_header']) if 'response_header' in attrs else None,
                             attrs.get('advertised', 'yes') != 'no')
            elif word in ('request', 'response', 'message'):
                if word == 'message':
                    versions = parse_range(attrs['versions'], None, where)
                    flexible = parse_range(attrs.get('flexible', 'none'), versions, where)
                    api = None
                else:
                    if sf.api is None:
                        raise SchemaError(f'{where}: {word} before the api line')
                    versions, flexible, api = sf.api.versions, sf.api.flexible, sf.api
                message = Message(word, tokens[1], versions, flexible, api)
                if api is not None:
                    setattr(api, word, message)
                sf.messages.append(message)
                stack = [(0, message.top)]
            else:
                raise SchemaError(f'{where}: expected api, request, response or message')
            i += 1
            continue
        if message is None:
            raise SchemaError(f'{where}: field outside a message')
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if not stack:
            raise SchemaError(f'{where}: bad indentation')
        parent_depth, parent = stack[-1]
        if parent_depth != depth - 1:
            raise SchemaError(f'{where}: indented too far')
        if tokens[0] == 'struct':
            if depth != 1:
                raise SchemaError(f'{where}: common structs belong directly under the message')
            s = Struct(tokens[1], message.versions)
            add_struct(message, s, where)
            message.common.append(s)
            stack.append((depth, s))
            i += 1
            continue
        if len(tokens) < 2:
            raise SchemaError(f'{where}: a field needs a name and a type')
        attrs = parse_attrs(tokens[2:])
        context = parent.context
        versions = parse_range(dict(attrs).get('versions', f'{context.lo}-{context.hi}'),
                               context, where)
        field = Field(tokens[0], tokens[1], attrs, versions, where)
        parent.fields.append(field)
        # Inline struct definition follows when the next line is deeper.
        if i + 1 < len(lines) and lines[i + 1][1] > depth:
            if not field.is_struct_type():
                raise SchemaError(f'{where}: only struct types have nested fields')
            s = Struct(field.element_type, versions)
            add_struct(message, s, where)
            stack.append((depth, s))
        i += 1
    return sf


def add_struct(message, s, where):
    if s.name in message.structs or s.name == message.name:
        raise SchemaError(f'{where}: struct {s.name} defined twice in {message.name}')
    message.structs[s.name] = s


def resolve(sf):
    for m in sf.messages:
        def walk(struct):
            for f in struct.fields:
                if f.is_struct_type():
                    s = m.structs.get(f.element_type)
                    if s is None:
                        raise SchemaError(f'{f.where}: unknown type {f.type}')
                    f.struct = s
                if f.nullable is not None and f.is_struct_type() and not f.is_array:
                    raise SchemaError(f'{f.where}: nullable structs are not supported')
                if f.tag is not None:
                    if m.flexible is None or f.versions.intersect(m.flexible) != f.versions:
                        raise SchemaError(f'{f.where}: tagged field outside flexible versions')
                if f.type == 'records' and f.nullable is None:
                    raise SchemaError(f'{f.where}: records fields must be nullable')
        walk(m.top)
        for s in m.structs.values():
            walk(s)


# ---------------------------------------------------------------------------------------------
# C++ helpers


def cond(r, ctx):
    """C++ condition that `version` lies in r, given that it lies in ctx; 'true'/'false' if fixed."""
    if r is None:
        return 'false'
    r2 = r.intersect(ctx)
    if r2 is None:
        return 'false'
    parts = []
    if r2.lo > ctx.lo:
        parts.append(f'version >= {r2.lo}')
    if r2.hi < ctx.hi:
        parts.append(f'version <= {r2.hi}')
    return ' && '.join(parts) if parts else 'true'


def is_optional(f):
    return f.nullable is not None


def cpp_element_type(f):
    t = f.element_type
    if t in FIXED:
        return FIXED[t][0]
    if t == 'string':
        return 'std::string'
    if t in ('bytes', 'records'):
        return 'Bytes'
    return t


def cpp_type(f):
    if f.is_array:
        inner = f'std::vector<{cpp_element_type(f)}>'
    else:
        inner = cpp_element_type(f)
    if is_optional(f):
        return f'std::optional<{inner}>'
    return inner


def int_literal(t, value, where):
    v = int(value, 0)
    ctype = FIXED[t][0]
    bits = {'int8': 8, 'int16': 16, 'int32': 32, 'int64': 64, 'uint16': 16, 'uint32': 32}[t]
    if t.startswith('u'):
        ok = 0 <= v < (1 << bits)
    else:
        ok = -(1 << (bits - 1)) <= v < (1 << (bits - 1))
    if not ok:
        raise SchemaError(f'{where}: default {value} does not fit {t}')
    if not t.startswith('u') and v == -(1 << (bits - 1)):
        return f'std::numeric_limits<{ctype}>::min()'
    if t == 'int64' and abs(v) >= (1 << 31):
        return f'INT64_C({value})'
    return value


def default_init(f):
    """The C++ member initializer (without '='), or None for the type's own default."""
    t = f.element_type
    d = f.default
    if f.is_array:
        if d == 'null':
            return None
        if d is not None:
            raise SchemaError(f'{f.where}: arrays take no default but null')
        return f'{cpp_type(f)}::value_type{{}}' if is_optional(f) else None
    if t in FIXED:
        if t == 'bool':
            if d in (None, 'false'):
                return 'false'
            if d == 'true':
                return 'true'
            raise SchemaError(f'{f.where}: bad bool default {d}')
        if t == 'uuid':
            if d is not None:
                raise SchemaError(f'{f.where}: uuid defaults are not supported')
            return None
        if t == 'float64':
            return repr(float(d)) if d is not None else '0.0'
        return int_literal(t, d, f.where) if d is not None else '0'
    if t == 'string':
        if d == 'null':
            if not is_optional(f):
                raise SchemaError(f'{f.where}: default null on a non-nullable string')
            return None
        if d is None:
            return '""' if is_optional(f) else None
        return '"' + d.replace('\\', '\\\\').replace('"', '\\"') + '"'
    if t == 'bytes':
        if d == 'null':
            if not is_optional(f):
                raise SchemaError(f'{f.where}: default null on non-nullable bytes')
            return None
        if d is not None:
            raise SchemaError(f'{f.where}: bytes take no default but null')
        return 'Bytes{}' if is_optional(f) else None
    if t == 'records':
        if d not in (None, 'null'):
            raise SchemaError(f'{f.where}: records take no default but null')
        return None
    if d is not None:
        raise SchemaError(f'{f.where}: structs take no default')
    return None


def is_default_expr(f, x):
    """C++ expression: `x` holds the field's default value (tagged fields are then not written)."""
    t = f.element_type
    init = default_init(f)
    if f.is_array:
        if is_optional(f):
            return f'!{x}.has_value()' if init is None else f'({x}.has_value() && {x}->empty())'
        return f'{x}.empty()'
    if is_optional(f):
        if init is None:
            return f'!{x}.has_value()'
        if init in ('""', 'Bytes{}'):
            return f'({x}.has_value() && {x}->empty())'
        return f'{x} == std::optional<std::string>({init})'
    if t == 'uuid':
        return f'{x}.is_zero()'
    if t in FIXED:
        return f'{x} == {init}'
    if t == 'string':
        return f'{x}.empty()' if init is None else f'{x} == {init}'
    if t == 'bytes':
        return f'{x}.empty()'
    return f'{x} == {t}{{}}'


class Ctx:
    """What is fixed while generating one struct's functions."""

    def __init__(self, message, struct):
        self.message = message
        self.struct = struct
        self.range = struct.context
        self.flex = cond(message.flexible, struct.context)


def compact_expr(f, ctx):
    if f.compact_never or ctx.flex == 'false':
        return 'false'
    return 'flexible' if ctx.flex != 'true' else 'true'


def flexible_value(ctx):
    return 'false' if ctx.flex == 'false' else ('true' if ctx.flex == 'true' else 'flexible')


def nullable_expr(f, ctx):
    if f.nullable is None:
        return 'false'
    if f.nullable == f.versions:
        return 'true'
    return cond(f.nullable, f.versions)


def min_size(message, type_name, f, v):
    """Fewest bytes a value of `type_name` takes on the wire at version v."""
    flex = message.flexible is not None and v in message.flexible
    compact = flex and not (f is not None and f.compact_never)
    if type_name.startswith('[]'):
        return 1 if compact else 4
    if type_name in FIXED:
        return FIXED[type_name][1]
    if type_name == 'string':
        return 1 if compact else 2
    if type_name in ('bytes', 'records'):
        return 1 if compact else 4
    s = message.structs[type_name]
    total = 1 if flex else 0
    for sub in s.fields:
        if v in sub.versions and sub.tag is None:
            total += min_size(message, sub.type, sub, v)
    return total


def min_size_expr(message, f):
    sizes = [(v, min_size(message, f.element_type, f, v)) for v in f.versions.versions()]
    groups = []
    for v, s in sizes:
        if groups and groups[-1][1] == s:
            groups[-1][0].hi = v
        else:
            groups.append([Range(v, v), s])
    if len(groups) == 1:
        return str(groups[0][1])
    parts = [f'version <= {r.hi} ? {s} : ' for r, s in groups[:-1]]
    return '(' + ''.join(parts) + str(groups[-1][1]) + ')'


# ---------------------------------------------------------------------------------------------
# Per-value code


def read_value(f, t, lhs, ctx, reader, nullable):
    """Statement (an expression returning Status) decoding one value of type t into lhs."""
    name = f'"{f.name}"'
    if t in FIXED:
        return f'{reader}.Read{FIXED[t][2]}(&{lhs}, {name})'
    compact = compact_expr(f, ctx)
    if t == 'string':
        if nullable is not None:
            return f'{reader}.ReadNullableString(&{lhs}, {compact}, {nullable}, {name})'
        return f'{reader}.ReadString(&{lhs}, {compact}, {name})'
    if t in ('bytes', 'records'):
        if nullable is not None:
            return f'{reader}.ReadNullableBytes(&{lhs}, {compact}, {nullable}, {name})'
        return f'{reader}.ReadBytes(&{lhs}, {compact}, {name})'
    return f'{lhs}.Decode({reader}, version)'


def decode_field(f, ctx, out, indent, reader='reader'):
    pad = '  ' * indent
    x = f.cpp_name
    nullable = nullable_expr(f, ctx) if is_optional(f) else None
    if not f.is_array:
        out.append(f'{pad}BROOK_RETURN_IF_ERROR({read_value(f, f.element_type, x, ctx, reader, nullable)});')
        return
    compact = compact_expr(f, ctx)
    element = 'element'
    read = read_value(f, f.element_type, element, ctx, reader, None)
    out.append(f'{pad}{{')
    out.append(f'{pad}  int32_t count = 0;')
    out.append(f'{pad}  BROOK_RETURN_IF_ERROR({reader}.ReadArrayLength(&count, {compact}, '
               f'{nullable or "false"}, {min_size_expr(ctx.message, f)}, "{f.name}"));')
    target = x
    if is_optional(f):
        out.append(f'{pad}  if (count < 0) {{')
        out.append(f'{pad}    {x}.reset();')
        out.append(f'{pad}  }} else {{')
        out.append(f'{pad}    {x}.emplace();')
        out.append(f'{pad}  }}')
        target = f'(*{x})'
    else:
        out.append(f'{pad}  {x}.clear();')
    out.append(f'{pad}  for (int32_t i = 0; i < count; ++i) {{')
    out.append(f'{pad}    auto& {element} = {target}.emplace_back();')
    out.append(f'{pad}    BROOK_RETURN_IF_ERROR({read});')
    out.append(f'{pad}  }}')
    out.append(f'{pad}}}')


def write_value(f, t, x, ctx, nullable):
    if t in FIXED:
        return [f'writer.Write{FIXED[t][2]}({x});']
    compact = compact_expr(f, ctx)
    if t == 'string':
        if nullable is not None:
            return [f'writer.WriteNullableString({x}, {compact}, {nullable});']
        return [f'writer.WriteString({x}, {compact});']
    if t == 'records' and nullable is not None:
        return [f'writer.WriteRecords({x}, {compact}, {nullable});']
    if t in ('bytes', 'records'):
        if nullable is not None:
            return [f'writer.WriteNullableBytes({x}, {compact}, {nullable});']
        return [f'writer.WriteBytes({x}, {compact});']
    return [f'{x}.Encode(writer, version);']


def encode_field(f, ctx, out, indent):
    pad = '  ' * indent
    x = f.cpp_name
    nullable = nullable_expr(f, ctx) if is_optional(f) else None
    if not f.is_array:
        out.extend(pad + s for s in write_value(f, f.element_type, x, ctx, nullable))
        return
    compact = compact_expr(f, ctx)
    body = write_value(f, f.element_type, 'element', ctx, None)
    if is_optional(f):
        null_count = '-1' if nullable == 'true' else f'({nullable} ? -1 : 0)'
        out.append(f'{pad}writer.WriteArrayLength({x} ? static_cast<int64_t>({x}->size()) : '
                   f'{null_count}, {compact});')
        out.append(f'{pad}if ({x}) {{')
        out.append(f'{pad}  for (const auto& element : *{x}) {{')
        out.extend(f'{pad}    {s}' for s in body)
        out.append(f'{pad}  }}')
        out.append(f'{pad}}}')
    else:
        out.append(f'{pad}writer.WriteArrayLength(static_cast<int64_t>({x}.size()), {compact});')
        out.append(f'{pad}for (const auto& element : {x}) {{')
        out.extend(f'{pad}  {s}' for s in body)
        out.append(f'{pad}}}')


def value_size(f, t, x, ctx, nullable):
    if t in FIXED:
        return str(FIXED[t][1])
    compact = compact_expr(f, ctx)
    if t == 'string':
        if nullable is not None:
            return f'NullableStringSize({x}, {compact}, {nullable})'
        return f'StringSize({x}, {compact})'
    if t in ('bytes', 'records'):
        if nullable is not None:
            return f'NullableBytesSize({x}, {compact}, {nullable})'
        return f'BytesSize({x}, {compact})'
    return f'{x}.EncodedSize(version)'


def size_field(f, ctx):
    x = f.cpp_name
    nullable = nullable_expr(f, ctx) if is_optional(f) else None
    if not f.is_array:
        return value_size(f, f.element_type, x, ctx, nullable)
    compact = compact_expr(f, ctx)
    element = value_size(f, f.element_type, 'element', ctx, None)
    if f.element_type in FIXED:
        lam = f'[](const auto&) {{ return size_t{{{element}}}; }}'
    else:
        lam = f'[&](const auto& element) {{ return {element}; }}'
    if is_optional(f):
        return f'NullableArraySize({x}, {compact}, {nullable}, {lam})'
    return f'ArraySize({x}, {compact}, {lam})'


# ---------------------------------------------------------------------------------------------
# Struct code


def ordered_structs(message):
    """Nested structs in declaration order: each after the structs its fields use."""
    order, seen = [], set()

    def visit(struct):
        for f in struct.fields:
            if f.struct is not None and f.struct.name not in seen:
                seen.add(f.struct.name)
                visit(f.struct)
                order.append(f.struct)

    for s in message.common:
        if s.name not in seen:
            seen.add(s.name)
            visit(s)
            order.append(s)
    visit(message.top)
    return order


def declare_struct(message, struct, out, indent, top):
    pad = '  ' * indent
    out.append(f'{pad}struct {struct.name} {{')
    if top:
        m = message
        if m.api is not None:
            out.append(f'{pad}  static constexpr ApiKey kApiKey = ApiKey::k{m.api.name};')
        out.append(f'{pad}  static constexpr std::string_view kName = "{m.name}";')
        first_flex = m.flexible.lo if m.flexible is not None else -1
        out.append(f'{pad}  static constexpr int16_t kMinVersion = {m.versions.lo};')
        out.append(f'{pad}  static constexpr int16_t kMaxVersion = {m.versions.hi};')
        out.append(f'{pad}  // -1: no version is flexible.')
        out.append(f'{pad}  static constexpr int16_t kFirstFlexibleVersion = {first_flex};')
        if m.kind == 'request':
            out.append(f'{pad}  using Response = {m.api.response.name};')
        out.append('')
        for s in ordered_structs(message):
            declare_struct(message, s, out, indent + 1, False)
            out.append('')
    for f in struct.fields:
        notes = []
        if f.versions != struct.context:
            notes.append(f'v{f.versions.lo}' + (f'-{f.versions.hi}' if f.versions.hi != f.versions.lo else ''))
        if f.tag is not None:
            notes.append(f'tag {f.tag}')
        if f.nullable is not None and f.nullable != f.versions:
            notes.append(f'null in v{f.nullable.lo}' + (f'-{f.nullable.hi}' if f.nullable.hi != f.nullable.lo else ''))
        comment = f'  // {", ".join(notes)}' if notes else ''
        init = default_init(f)
        init = f' = {init}' if init is not None else ''
        out.append(f'{pad}  {cpp_type(f)} {f.cpp_name}{init};{comment}')
    out.append(f'{pad}  UnknownTaggedFields unknown_tagged_fields;')
    out.append('')
    if top:
        out.append(f'{pad}  // Reads the message at `version`; Unsupported for a version outside')
        out.append(f'{pad}  // [kMinVersion, kMaxVersion], Corruption naming the message, version and')
        out.append(f'{pad}  // byte offset for bad bytes. Fields absent from `version` keep their defaults.')
    out.append(f'{pad}  Status Decode(Reader& reader, int16_t version);')
    if top:
        out.append(f'{pad}  // Appends the message at `version` (which must be in range); fields absent')
        out.append(f'{pad}  // from `version` are not written.')
    out.append(f'{pad}  void Encode(Writer& writer, int16_t version) const;')
    out.append(f'{pad}  size_t EncodedSize(int16_t version) const;')
    # Defaulted in the .cc: comparing deep structs inline in every includer is slow to compile.
    out.append(f'{pad}  bool operator==(const {struct.name}&) const;')
    out.append(f'{pad}}};')


def define_struct(message, struct, qual, out, top):
    ctx = Ctx(message, struct)
    fields = [f for f in struct.fields]
    regular = [f for f in fields if f.tag is None]
    tagged = sorted([f for f in fields if f.tag is not None], key=lambda f: f.tag)
    flex = ctx.flex

    def flex_decl(lines):
        if flex not in ('true', 'false'):
            lines.append(f'  const bool flexible = {flex};')

    def guarded(f, lines, emit, indent=1):
        c = cond(f.versions, ctx.range)
        if c == 'false':
            return
        if c == 'true':
            emit(lines, indent)
        else:
            lines.append('  ' * indent + f'if ({c}) {{')
            emit(lines, indent + 1)
            lines.append('  ' * indent + '}')

    out.append(f'bool {qual}::operator==(const {qual}&) const = default;')
    out.append('')

    # Decode
    out.append(f'Status {qual}::Decode(Reader& reader, [[maybe_unused]] int16_t version) {{')
    if top:
        out.append(f'  reader.SetContext(kName, version);')
        out.append(f'  if (version < kMinVersion || version > kMaxVersion) {{')
        out.append(f'    return Status::Unsupported(std::string(kName) + " v" + std::to_string(version) +')
        out.append(f'                               " is not supported");')
        out.append(f'  }}')
    out.append(f'  *this = {struct.name}{{}};')
    flex_decl(out)
    for f in regular:
        guarded(f, out, lambda lines, ind, f=f: decode_field(f, ctx, lines, ind))
    if flex != 'false':
        body = []
        if tagged:
            body.append('  uint32_t tagged_count = 0;')
            body.append('  BROOK_RETURN_IF_ERROR(reader.ReadUnsignedVarint(&tagged_count, "tagged field count"));')
            body.append('  for (uint32_t i = 0; i < tagged_count; ++i) {')
            body.append('    uint32_t tag = 0;')
            body.append('    uint32_t size = 0;')
            body.append('    BROOK_RETURN_IF_ERROR(reader.ReadTaggedFieldHeader(&tag, &size));')
            for f in tagged:
                c = cond(f.versions, ctx.range)
                c = f'tag == {f.tag}' + ('' if c == 'true' else f' && {c}')
                body.append(f'    if ({c}) {{')
                body.append('      Reader field_reader = reader.Slice(size);')
                decode_field(f, ctx, body, 3, reader='field_reader')
                body.append(f'      BROOK_RETURN_IF_ERROR(field_reader.ExpectEnd("tagged field {f.name}"));')
                body.append(f'      BROOK_RETURN_IF_ERROR(reader.Skip(size, "{f.name}"));')
                body.append('      continue;')
                body.append('    }')
            body.append('    BROOK_RETURN_IF_ERROR(reader.ReadUnknownTaggedField(tag, size, &unknown_tagged_fields));')
            body.append('  }')
        else:
            body.append('  BROOK_RETURN_IF_ERROR(reader.ReadTaggedFields(&unknown_tagged_fields));')
        if flex == 'true':
            out.extend(body)
        else:
            out.append('  if (flexible) {')
            out.extend('  ' + line for line in body)
            out.append('  }')
    out.append('  return Status::Ok();')
    out.append('}')
    out.append('')

    # Encode
    out.append(f'void {qual}::Encode(Writer& writer, [[maybe_unused]] int16_t version) const {{')
    if top:
        out.append('  BROOK_CHECK(version >= kMinVersion && version <= kMaxVersion);')
    flex_decl(out)
    for f in regular:
        guarded(f, out, lambda lines, ind, f=f: encode_field(f, ctx, lines, ind))
    if flex != 'false':
        body = []
        if tagged:
            count_terms = []
            for f in tagged:
                c = cond(f.versions, ctx.range)
                present = f'!({is_default_expr(f, f.cpp_name)})'
                if c != 'true':
                    present = f'{c} && {present}'
                body.append(f'  const bool write_{f.cpp_name} = {present};')
                count_terms.append(f'(write_{f.cpp_name} ? 1 : 0)')
            body.append('  writer.WriteUnsignedVarint(static_cast<uint32_t>(unknown_tagged_fields.size() + ' +
                        ' + '.join(count_terms) + '));')
            body.append('  size_t unknown = 0;')
            for f in tagged:
                body.append(f'  unknown = writer.WriteUnknownTaggedFields(unknown_tagged_fields, unknown, {f.tag});')
                body.append(f'  if (write_{f.cpp_name}) {{')
                body.append(f'    writer.WriteUnsignedVarint({f.tag});')
                body.append(f'    writer.WriteUnsignedVarint(static_cast<uint32_t>({size_field(f, ctx)}));')
                encode_field(f, ctx, body, 2)
                body.append('  }')
            body.append('  writer.WriteUnknownTaggedFields(unknown_tagged_fields, unknown, UINT64_MAX);')
        else:
            body.append('  writer.WriteTaggedFields(unknown_tagged_fields);')
        if flex == 'true':
            out.extend(body)
        else:
            out.append('  if (flexible) {')
            out.extend('  ' + line for line in body)
            out.append('  }')
    out.append('}')
    out.append('')

    # EncodedSize
    out.append(f'size_t {qual}::EncodedSize([[maybe_unused]] int16_t version) const {{')
    flex_decl(out)
    out.append('  size_t size = 0;')
    for f in regular:
        guarded(f, out, lambda lines, ind, f=f: lines.append('  ' * ind + f'size += {size_field(f, ctx)};'))
    if flex != 'false':
        body = []
        if tagged:
            body.append('  size_t tagged_count = unknown_tagged_fields.size();')
            body.append('  size += UnknownTaggedFieldsSize(unknown_tagged_fields);')
            for f in tagged:
                c = cond(f.versions, ctx.range)
                present = f'!({is_default_expr(f, f.cpp_name)})'
                if c != 'true':
                    present = f'{c} && {present}'
                body.append(f'  if ({present}) {{')
                body.append('    ++tagged_count;')
                body.append(f'    size += TaggedFieldSize({f.tag}, {size_field(f, ctx)});')
                body.append('  }')
            body.append('  size += UnsignedVarintSize(tagged_count);')
        else:
            body.append('  size += TaggedFieldsSize(unknown_tagged_fields);')
        if flex == 'true':
            out.extend(body)
        else:
            out.append('  if (flexible) {')
            out.extend('  ' + line for line in body)
            out.append('  }')
    out.append('  return size;')
    out.append('}')
    out.append('')


# ---------------------------------------------------------------------------------------------
# Files

BANNER = '// Generated by broker/protocol/generate.py from broker/protocol/schemas/{}. Do not edit.'


def api_enum_name(api):
    return 'k' + api.name


def gen_message_header(sf):
    out = ['#pragma once', '', BANNER.format(os.path.basename(sf.path)), '',
           '#include <cstddef>', '#include <cstdint>', '#include <limits>', '#include <optional>',
           '#include <string>',
           '#include <string_view>', '#include <vector>', '',
           '#include "broker/protocol/api_key.h"', '#include "broker/protocol/reader.h"',
           '#include "broker/protocol/tagged_fields.h"', '#include "broker/protocol/writer.h"',
           '#include "common/bytes.h"', '#include "common/status.h"', '#include "common/uuid.h"', '',
           'namespace brook::broker::protocol {', '']
    for m in sf.messages:
        if m.kind == 'request':
            out.append(f'struct {m.api.response.name};')
            out.append('')
        declare_struct(m, m.top, out, 0, True)
        out.append('')
    out.append('}  // namespace brook::broker::protocol')
    return '\n'.join(out) + '\n'


def gen_message_source(sf):
    out = [BANNER.format(os.path.basename(sf.path)), '',
           f'#include "broker/protocol/{sf.stem}.h"', '',
           '#include "common/assert.h"', '#include "common/varint.h"', '',
           'namespace brook::broker::protocol {', '']
    for m in sf.messages:
        for s in ordered_structs(m):
            define_struct(m, s, f'{m.name}::{s.name}', out, False)
        define_struct(m, m.top, m.name, out, True)
    out.append('}  // namespace brook::broker::protocol')
    return '\n'.join(out) + '\n'


def gen_api_key(apis):
    apis = sorted(apis, key=lambda a: a.key)
    h = ['#pragma once', '', '// Generated by broker/protocol/generate.py from broker/protocol/schemas/*.schema. Do not edit.',
         '', '#include <array>', '#include <cstdint>', '#include <string_view>', '',
         'namespace brook::broker::protocol {', '',
         '// The Kafka APIs Brook has messages for.',
         'enum class ApiKey : int16_t {']
    for a in apis:
        h.append(f'  {api_enum_name(a)} = {a.key},')
    h += ['};', '',
          '// One API: the version range Brook implements, where its flexible versions start and',
          '// whether ApiVersions lists it.',
          'struct ApiInfo {',
          '  ApiKey key;',
          '  std::string_view name;',
          '  int16_t min_version;',
          '  int16_t max_version;',
          '  int16_t first_flexible_version;  // -1: never flexible',
          '  bool advertised;                 // listed in the ApiVersions response',
          '  // The response header version every response of this API uses (ApiVersions: 0), or -1',
          '  // when it follows the flexible versions.',
          '  int16_t fixed_response_header_version;',
          '',
          '  bool IsFlexible(int16_t version) const {',
          '    return first_flexible_version >= 0 && version >= first_flexible_version;',
          '  }',
          '  bool Supports(int16_t version) const {',
          '    return version >= min_version && version <= max_version;',
          '  }',
          '};', '',
          '// Every API, ordered by key.',
          f'inline constexpr std::array<ApiInfo, {len(apis)}> kApis = {{{{']
    for a in apis:
        ff = a.flexible.lo if a.flexible is not None else -1
        rh = a.response_header if a.response_header is not None else -1
        h.append(f'    {{ApiKey::{api_enum_name(a)}, "{a.name}", {a.versions.lo}, {a.versions.hi}, {ff}, '
                 f'{"true" if a.advertised else "false"}, {rh}}},')
    h += ['}};', '',
          '// The entry for `key`, or nullptr when Brook does not know that API.',
          'const ApiInfo* FindApi(int16_t key);',
          '// The entry for a known key.',
          'const ApiInfo& GetApi(ApiKey key);',
          '// "Produce", "Fetch", ...',
          'inline std::string_view ApiKeyName(ApiKey key) { return GetApi(key).name; }',
          '',
          '// Request header version for a request of `api_version`: 2 when that version is',
          '// flexible, else 1 (also for versions outside the supported range, as Kafka does).',
          'int16_t RequestHeaderVersion(ApiKey key, int16_t api_version);',
          '// Response header version: 1 when the response version is flexible, else 0; ApiVersions',
          '// responses always use 0.',
          'int16_t ResponseHeaderVersion(ApiKey key, int16_t api_version);',
          '',
          '}  // namespace brook::broker::protocol']
    c = ['// Generated by broker/protocol/generate.py. Do not edit.', '',
         '#include "broker/protocol/api_key.h"', '',
         '#include "common/assert.h"', '',
         'namespace brook::broker::protocol {', '',
         'const ApiInfo* FindApi(int16_t key) {',
         '  for (const ApiInfo& info : kApis) {',
         '    if (static_cast<int16_t>(info.key) == key) return &info;',
         '  }',
         '  return nullptr;',
         '}', '',
         'const ApiInfo& GetApi(ApiKey key) {',
         '  const ApiInfo* info = FindApi(static_cast<int16_t>(key));',
         '  BROOK_CHECK(info != nullptr);',
         '  return *info;',
         '}', '',
         'int16_t RequestHeaderVersion(ApiKey key, int16_t api_version) {',
         '  return GetApi(key).IsFlexible(api_version) ? 2 : 1;',
         '}', '',
         'int16_t ResponseHeaderVersion(ApiKey key, int16_t api_version) {',
         '  const ApiInfo& info = GetApi(key);',
         '  if (info.fixed_response_header_version >= 0) return info.fixed_response_header_version;',
         '  return info.IsFlexible(api_version) ? 1 : 0;',
         '}', '',
         '}  // namespace brook::broker::protocol']
    return '\n'.join(h) + '\n', '\n'.join(c) + '\n'


def gen_messages_h(files):
    out = ['#pragma once', '', '// Generated by broker/protocol/generate.py. Every message header.', '',
           '#include "broker/protocol/api_key.h"']
    for sf in files:
        out.append(f'#include "broker/protocol/{sf.stem}.h"')
    out += ['', 'namespace brook::broker::protocol {', '',
            '// Calls f.template operator()<M>() for every generated message type M.',
            'template <typename F>',
            'void ForEachMessageType(F&& f) {']
    for sf in files:
        for m in sf.messages:
            out.append(f'  f.template operator()<{m.name}>();')
    out += ['}', '',
            '// Calls f.template operator()<Request, Response>() for the API `key` and returns its',
            '// result; returns `otherwise` for a key without messages.',
            'template <typename R, typename F>',
            'R VisitApi(ApiKey key, F&& f, R otherwise) {',
            '  switch (key) {']
    for sf in files:
        if sf.api is not None:
            out.append(f'    case ApiKey::{api_enum_name(sf.api)}:')
            out.append(f'      return f.template operator()<{sf.api.request.name}, {sf.api.response.name}>();')
    out += ['  }', '  return otherwise;', '}', '', '}  // namespace brook::broker::protocol']
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------------------------------------
# Random builders (tests)


def random_value(message, f, t, lhs, out, pad):
    if t == 'bool':
        out.append(f'{pad}{lhs} = random.NextBool();')
    elif t == 'uuid':
        out.append(f'{pad}{lhs} = random.NextUuid();')
    elif t == 'float64':
        out.append(f'{pad}{lhs} = random.NextDouble();')
    elif t in FIXED:
        out.append(f'{pad}{lhs} = random.NextInt<{FIXED[t][0]}>();')
    elif t == 'string':
        out.append(f'{pad}{lhs} = random.NextString();')
    elif t in ('bytes', 'records'):
        out.append(f'{pad}{lhs} = random.NextBytes();')
    else:
        out.append(f'{pad}Randomize({lhs}, version, random);')


def gen_random(files):
    h = ['#pragma once', '', '// Generated by broker/protocol/generate.py (random mode). Test support.', '',
         '#include <gtest/gtest.h>', '', '#include "broker/protocol/messages.h"',
         '#include "tests/broker/protocol/random_source.h"', '',
         'namespace brook::broker::protocol::testing {', '',
         '// Fills every field present in `version` with random values (null sometimes where the',
         '// version allows it, random unknown tagged fields in flexible versions); other fields',
         '// keep their defaults.']
    c = ['// Generated by broker/protocol/generate.py (random mode). Test support.', '',
         '#include "random_messages.h"', '', 'namespace brook::broker::protocol::testing {', '']
    for sf in files:
        for m in sf.messages:
            structs = ordered_structs(m) + [m.top]
            for s in structs:
                qual = m.name if s is m.top else f'{m.name}::{s.name}'
                h.append(f'void Randomize({qual}& message, int16_t version, RandomSource& random);')
                c.append(f'void Randomize({qual}& message, [[maybe_unused]] int16_t version, '
                         f'[[maybe_unused]] RandomSource& random) {{')
                ctx = Ctx(m, s)
                for f in s.fields:
                    cnd = cond(f.versions, ctx.range)
                    if cnd == 'false':
                        continue
                    body = []
                    x = f'message.{f.cpp_name}'
                    if f.tag is not None:
                        body.append(f'if (random.OneIn(3)) {{')
                        body.append(f'  {x} = decltype({x}){{}};')
                        body.append('} else {')
                        inner = []
                    else:
                        inner = body
                    if is_optional(f):
                        ne = nullable_expr(f, ctx)
                        inner.append(f'if ({ne} && random.OneIn(5)) {{')
                        inner.append(f'  {x}.reset();')
                        inner.append('} else {')
                        inner.append(f'  {x}.emplace();')
                        target, ipad = f'(*{x})', '  '
                    else:
                        target, ipad = x, ''
                    if f.is_array:
                        inner.append(f'{ipad}{target}.clear();')
                        inner.append(f'{ipad}for (int i = random.Count(); i > 0; --i) {{')
                        random_value(m, f, f.element_type, f'{target}.emplace_back()', inner, ipad + '  ')
                        inner.append(f'{ipad}}}')
                    elif f.is_struct_type():
                        random_value(m, f, f.element_type, target, inner, ipad)
                    else:
                        random_value(m, f, f.element_type, target, inner, ipad)
                    if is_optional(f):
                        inner.append('}')
                    if f.tag is not None:
                        body.extend('  ' + line for line in inner)
                        body.append('}')
                    if cnd == 'true':
                        c.extend('  ' + line for line in body)
                    else:
                        c.append(f'  if ({cnd}) {{')
                        c.extend('    ' + line for line in body)
                        c.append('  }')
                if ctx.flex != 'false':
                    flex = 'true' if ctx.flex == 'true' else ctx.flex
                    known = sorted(f.tag for f in s.fields if f.tag is not None)
                    c.append(f'  if ({flex}) random.UnknownTaggedFields(message.unknown_tagged_fields, '
                             f'{(max(known) + 1) if known else 0});')
                c.append('}')
                c.append('')
    names = [m.name for sf in files for m in sf.messages]
    h += ['', '// Every generated message type, for typed tests.',
          'using AllMessageTypes = ::testing::Types<' + ', '.join(names) + '>;']
    h += ['', '}  // namespace brook::broker::protocol::testing']
    c += ['}  // namespace brook::broker::protocol::testing']
    # Randomize overloads must be declared before use in the .cc: the header declares them all.
    return '\n'.join(h) + '\n', '\n'.join(c) + '\n'


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def load(schema_dir):
    files = []
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith('.schema'):
            sf = parse_file(os.path.join(schema_dir, name))
            resolve(sf)
            files.append(sf)
    keys = {}
    for sf in files:
        if sf.api is not None:
            if sf.api.request is None or sf.api.response is None:
                raise SchemaError(f'{sf.path}: an api needs a request and a response')
            if sf.api.key in keys:
                raise SchemaError(f'{sf.path}: api key {sf.api.key} also in {keys[sf.api.key]}')
            keys[sf.api.key] = sf.path
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('mode', choices=['codec', 'random'])
    parser.add_argument('--schemas', required=True)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    try:
        files = load(args.schemas)
    except SchemaError as e:
        print(f'generate.py: {e}', file=sys.stderr)
        return 1
    if args.mode == 'codec':
        base = os.path.join(args.out, 'broker', 'protocol')
        for sf in files:
            write_if_changed(os.path.join(base, sf.stem + '.h'), gen_message_header(sf))
            write_if_changed(os.path.join(base, sf.stem + '.cc'), gen_message_source(sf))
        h, c = gen_api_key([sf.api for sf in files if sf.api is not None])
        write_if_changed(os.path.join(base, 'api_key.h'), h)
        write_if_changed(os.path.join(base, 'api_key.cc'), c)
        write_if_changed(os.path.join(base, 'messages.h'), gen_messages_h(files))
    else:
        h, c = gen_random(files)
        write_if_changed(os.path.join(args.out, 'random_messages.h'), h)
        write_if_changed(os.path.join(args.out, 'random_messages.cc'), c)
    return 0


if __name__ == '__main__':
    sys.exit(main())
