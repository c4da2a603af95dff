(function_definition name: (word) @name) @definition.function
(variable_assignment name: (variable_name) @name) @definition.variable

(function_definition body: (_) @local)
(command_substitution) @local
(subshell) @local
