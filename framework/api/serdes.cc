// Placeholder: written by a parallel change.
