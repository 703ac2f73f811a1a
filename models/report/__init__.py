"""Running notebooks into reports: Papermill execution, offline HTML, run folders."""
