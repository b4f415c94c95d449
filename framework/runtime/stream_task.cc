// Placeholder: the task runtime lands next.
