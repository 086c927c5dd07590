// Helpers a program forks and may have to abandon halfway: a test that runs
// out of memory under fault injection, say. fork_tracked() remembers each
// child, and end_children() kills them all and waits for them, so that
// giving up does not leave a helper asleep on a pipe or spinning forever.
#ifndef XV6_CHILDREN_H
#define XV6_CHILDREN_H

// fork(); in the parent the child's pid is remembered (the child starts
// with an empty list of its own). Returns what fork() returned.
int fork_tracked(void);

// Kill every remembered child, then wait until no child is left.
void end_children(void);

#endif
