"""One module per action type: its prompt, its reply handling and its executor."""
