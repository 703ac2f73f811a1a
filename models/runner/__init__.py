"""Runner: the market-entry command, Papermill execution, offline HTML export, run
folders and the reports index. The top layer: it may import every layer below."""
