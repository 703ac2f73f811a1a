"""market-entry in Airflow: refresh the reports of three scenarios every weekday.

Copy into the DAGs folder of an Airflow whose workers can run the project's checkout
(MARKET_ENTRY_HOME, with ``make install`` done). A BashOperator runs ``market-entry
batch`` rather than a PapermillOperator: the command adds what a bare Papermill run
lacks (validation before executing, a lock per scenario, the run folder, manifest,
run.log, index and comparison report). Its exit code tells Airflow how it went: 0 all
succeeded, 1 a scenario failed (the task log has one line per scenario), 2 bad input,
124 a run timed out, 75 another run held a scenario's lock.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

HOME = os.environ.get("MARKET_ENTRY_HOME", "/srv/market-entry")

with DAG(
    dag_id="market_entry_reports",
    schedule="17 6 * * 1-5",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["market-entry"],
) as dag:
    BashOperator(
        task_id="batch",
        bash_command=(
            f"cd {HOME} && .venv/bin/market-entry batch data/scenarios/base.yaml "
            "data/scenarios/letv_2015.yaml data/scenarios/crackdown.yaml "
            "--timeout 3600 --wait 600 --keep 20"
        ),
        execution_timeout=timedelta(minutes=75),
        retries=1,
        retry_delay=timedelta(minutes=10),
    )
