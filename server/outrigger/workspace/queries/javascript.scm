; `const fs = require("fs")` imports a module: it defines nothing here.
((variable_declarator
   name: (identifier) @ignore
   value: (call_expression function: (identifier) @_callee))
 (#eq? @_callee "require"))

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (identifier) @name) @definition.class

(class_body (method_definition name: (_) @name) @definition.method)
(class_body
  (field_definition
    property: (_) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.method)

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator name: (identifier) @name value: (class)) @definition.class
(variable_declarator name: (identifier) @name) @definition.variable

; Blocks scope `let`, `const` and nested functions; loop variables belong to the loop.
(statement_block) @local
(arrow_function body: (_) @local)
[(for_statement) (for_in_statement)] @local
