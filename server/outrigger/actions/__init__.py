"""The actions, one module each. Every executor has the same shape: `async (plan, ctx) ->
Change`, or `-> Answer` for the read-only ones; `planner/intents.py` says which runs each intent."""
