(class name: (constant) @name) @definition.class
(class name: (scope_resolution name: (constant) @name)) @definition.class
(module name: (constant) @name) @definition.module
(module name: (scope_resolution name: (constant) @name)) @definition.module

(method name: (_) @name) @definition.function
(singleton_method name: (_) @name) @definition.function

(assignment left: (constant) @name) @definition.constant

(method body: (_) @local)
(singleton_method body: (_) @local)
[(block) (do_block) (lambda)] @local
