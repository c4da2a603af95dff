; `const fs = require("fs")` imports a module: it defines nothing here.
((variable_declarator
   name: (identifier) @ignore
   value: (call_expression function: (identifier) @_callee))
 (#eq? @_callee "require"))

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum

(class_body (method_definition name: (_) @name) @definition.method)
(class_body
  (public_field_definition
    name: (_) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.method)

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator name: (identifier) @name value: (class)) @definition.class
(variable_declarator name: (identifier) @name) @definition.variable

; Blocks scope `let`, `const` and nested functions (namespace bodies too); loop variables
; belong to the loop.
(statement_block) @local
(arrow_function body: (_) @local)
[(for_statement) (for_in_statement)] @local
