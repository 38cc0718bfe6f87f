"""KPIs (Inform): targets, entered or computed values, status against target, the weekly KPI digest."""
