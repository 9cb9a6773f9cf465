"""The admission process: guided tour through the five steps and the readiness check."""
