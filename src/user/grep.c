// grep: print the lines that match a pattern.
//
// Patterns: a literal character, '.' (any character), 'x*' (zero or more
// of x), '^' at the start and '$' at the end to anchor the match.
// The pattern is first turned into a list of items, then matched by a
// small backtracking search.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

#define MAXITEM 256

struct item {
  char c;     // the character, or 0 for '.'
  char star;  // repeat zero or more times
};

static struct item items[MAXITEM];
static int nitems;
static int anchor_start, anchor_end;

// Returns 0, or -1 if the pattern is too long.
static int compile(const char *pat) {
  nitems = 0;
  anchor_start = anchor_end = 0;
  if (*pat == '^') {
    anchor_start = 1;
    pat++;
  }
  for (; *pat != '\0'; pat++) {
    if (pat[0] == '$' && pat[1] == '\0') {
      anchor_end = 1;
      break;
    }
    if (*pat == '*' && nitems > 0 && !items[nitems - 1].star) {
      items[nitems - 1].star = 1;
      continue;
    }
    if (nitems == MAXITEM)
      return -1;
    items[nitems].c = *pat == '.' ? 0 : *pat;
    items[nitems].star = 0;
    nitems++;
  }
  return 0;
}

static int same(const struct item *it, char c) { return c != '\0' && (it->c == 0 || it->c == c); }

// Do items[k..] match text starting at s?
static int match_at(int k, const char *s) {
  for (; k < nitems; k++) {
    const struct item *it = &items[k];
    if (it->star) {
      // Take as many as possible, then give them back one at a time.
      const char *e = s;
      while (same(it, *e))
        e++;
      for (; e >= s; e--)
        if (match_at(k + 1, e))
          return 1;
      return 0;
    }
    if (!same(it, *s))
      return 0;
    s++;
  }
  return !anchor_end || *s == '\0';
}

static int matches(const char *text) {
  if (anchor_start)
    return match_at(0, text);
  // Try every starting point, including the empty tail.
  for (const char *s = text;; s++) {
    if (match_at(0, s))
      return 1;
    if (*s == '\0')
      return 0;
  }
}

static char buf[1024];

static void grep(int fd) {
  int have = 0, n;
  while ((n = read(fd, buf + have, (int)sizeof buf - 1 - have)) > 0) {
    have += n;
    buf[have] = '\0';
    char *line = buf, *nl;
    while ((nl = strchr(line, '\n')) != 0) {
      *nl = '\0';
      if (matches(line)) {
        *nl = '\n';
        write(1, line, (int)(nl - line) + 1);
      }
      line = nl + 1;
    }
    // Keep the unfinished last line for the next read; a line that
    // fills the whole buffer is matched as it is.
    have -= (int)(line - buf);
    if (have == (int)sizeof buf - 1) {
      if (matches(buf)) {
        write(1, buf, have);
        write(1, "\n", 1);
      }
      have = 0;
    } else if (have > 0) {
      memmove(buf, line, have);
    }
  }
  // A last line with no newline still counts.
  if (have > 0) {
    buf[have] = '\0';
    if (matches(buf)) {
      write(1, buf, have);
      write(1, "\n", 1);
    }
  }
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    printf(2, "usage: grep pattern [file ...]\n");
    exit();
  }
  if (compile(argv[1]) < 0) {
    printf(2, "grep: pattern too long\n");
    exit();
  }
  if (argc == 2) {
    grep(0);
    exit();
  }
  for (int i = 2; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      printf(2, "grep: %s: no such file\n", argv[i]);
      exit();
    }
    grep(fd);
    close(fd);
  }
  exit();
}
