/**
 * A refusal the user can act on (the directory is busy, the server said no, no such merchant):
 * main prints its message alone, in one line, and exits 1. Any other error keeps its stack.
 */
export class Refusal extends Error {}
