"""The manager's side: dashboard reads (``selectors``), bulk workflow actions (``services``), the
throughput chart's geometry (``charts``) and the exports (``exports``, served by ``views_api``
and the dashboard pages in ``jewelreview.pages.dashboard_views``)."""
