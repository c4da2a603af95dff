; `function M:scale()` is a method of the table `M`; `function M.add()` a function in it.
(function_declaration
  name: (method_index_expression table: (identifier) @container method: (identifier) @name)) @definition.method
(function_declaration
  name: (dot_index_expression table: (identifier) @container field: (identifier) @name)) @definition.function
(function_declaration name: (identifier) @name) @definition.function

(assignment_statement
  (variable_list name: (dot_index_expression table: (identifier) @container field: (identifier) @name))
  (expression_list value: (function_definition))) @definition.function

(variable_declaration
  (assignment_statement
    (variable_list . name: (identifier) @name)
    (expression_list . value: (function_definition)))) @definition.function
(variable_declaration (assignment_statement (variable_list name: (identifier) @name))) @definition.variable
(variable_declaration (variable_list name: (identifier) @name)) @definition.variable
(assignment_statement
  (variable_list . name: (identifier) @name)
  (expression_list . value: (function_definition))) @definition.function
(assignment_statement (variable_list name: (identifier) @name)) @definition.variable

(block) @local
(function_definition) @local
