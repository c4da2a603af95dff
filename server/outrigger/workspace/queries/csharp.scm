(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(delegate_declaration name: (identifier) @name) @definition.type

(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
(local_function_statement name: (identifier) @name) @definition.function

; `namespace Shop.Core { … }`: the last part names it.
(namespace_declaration name: [(identifier) @name (qualified_name name: (identifier) @name)]) @definition.namespace

(block) @local
(arrow_expression_clause) @local
(lambda_expression) @local
(accessor_list) @local
