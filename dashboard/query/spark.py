"""Apache Spark for the Ibis engine: where the master is, and the process's one session.

Nothing here imports PySpark or Ibis until a session is asked for: the command line reads
the master URL to describe the engines.
"""

from __future__ import annotations

import os

SPARK_MASTER_ENV = "BOILINGPOINT_SPARK_MASTER"  # a Spark master URL; unset: local mode
LOCAL_MASTER = "local[*]"  # Spark in this process's JVM, one worker thread per core


def spark_master() -> str:
    """The Spark master URL: BOILINGPOINT_SPARK_MASTER (spark://host:7077, yarn, k8s://…) or local[*]."""
    return os.environ.get(SPARK_MASTER_ENV, "").strip() or LOCAL_MASTER


def spark_session():
    """The process's Spark session: local[*], or the master URL in BOILINGPOINT_SPARK_MASTER.

    Local mode binds to 127.0.0.1 (SPARK_LOCAL_IP, unless already set), has no web UI and one
    shuffle partition per core. Any other setting comes from Spark's own configuration
    (spark-defaults.conf in SPARK_CONF_DIR). getOrCreate: one session per process, shared by
    every dataset that runs on Spark.
    """
    master = spark_master()
    local = master.startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName("boilingpoint")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # pandas <-> Spark through Arrow: fast, and naive timestamps read in the session's
        # time zone (UTC), not in this machine's.
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if local:  # Spark's 200 shuffle partitions are for clusters: here, one per core
        builder = builder.config("spark.sql.shuffle.partitions", str(os.cpu_count() or 1))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect_spark():
    """An Ibis connection to the process's Spark session."""
    import ibis

    return ibis.pyspark.connect(spark_session())
