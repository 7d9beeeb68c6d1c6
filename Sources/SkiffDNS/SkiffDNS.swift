// The cluster DNS library (issue 5).
