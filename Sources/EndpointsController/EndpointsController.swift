// The endpoints controller library (issue 4).
