(class_definition name: (identifier) @name) @definition.class

(function_definition name: (identifier) @name) @definition.function

; `A = 1`, `B: int = 2`, `C, D = 3, 4` at module level (fields of a class are not listed).
(expression_statement (assignment left: (identifier) @name)) @definition.variable
(expression_statement
  (assignment left: [(pattern_list (identifier) @name) (tuple_pattern (identifier) @name)])) @definition.variable

(function_definition body: (block) @local)
(lambda) @local
