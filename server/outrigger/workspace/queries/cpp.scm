(function_definition
  declarator: [
    (function_declarator declarator: [(identifier) (field_identifier)] @name)
    (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name))
    (reference_declarator (function_declarator declarator: [(identifier) (field_identifier)] @name))
  ]) @definition.function

; `int Cart::total() const { … }` is a method of `Cart`, wherever it is written.
(function_definition
  declarator: [
    (function_declarator
      declarator: (qualified_identifier scope: (namespace_identifier) @container name: (identifier) @name))
    (pointer_declarator
      declarator: (function_declarator
        declarator: (qualified_identifier scope: (namespace_identifier) @container name: (identifier) @name)))
    (reference_declarator
      (function_declarator
        declarator: (qualified_identifier scope: (namespace_identifier) @container name: (identifier) @name)))
  ]) @definition.method

(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type
(namespace_definition name: (namespace_identifier) @name) @definition.namespace
(namespace_definition name: (nested_namespace_specifier (namespace_identifier) @name .)) @definition.namespace

; `#define THERMO_H` guards an include; only a macro with a value defines something.
(preproc_def name: (identifier) @name value: (_)) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.function

(declaration
  declarator: (init_declarator
    declarator: [(identifier) @name (pointer_declarator declarator: (identifier) @name)
                 (array_declarator declarator: (identifier) @name)])) @definition.variable

(compound_statement) @local
(lambda_expression) @local
