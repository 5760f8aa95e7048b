print("ingest benchmark: not written yet")
