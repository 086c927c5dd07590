// sh: the shell.
//
// Understands commands with arguments, redirection (< file, > file,
// >> file), pipelines (a | b), lists (a ; b), background jobs (a &),
// parenthesised groups, and the built-in `cd`. The prompt "$ " goes to
// fd 2. A line is first split into tokens, then parsed by recursive
// descent into a small tree, which child processes walk and run.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "user.h"

#define LINEMAX  512
#define MAXTOK   (LINEMAX / 2 + 2)
#define MAXNODE  64
#define MAXREDIR 32

// ---------------------------------------------------------------- tokens

enum tok { TK_END, TK_WORD, TK_PIPE, TK_IN, TK_OUT, TK_APPEND, TK_AMP, TK_SEMI, TK_LPAREN, TK_RPAREN };

struct token {
  enum tok kind;
  char *word;  // TK_WORD only
};

static struct token toks[MAXTOK];
static int ntok, pos;
static char words[2 * LINEMAX];  // NUL-separated copies of the words

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'; }
static int is_special(char c) { return c != '\0' && strchr("<>|&;()", c) != 0; }

// Split `line` into toks[]. Returns 0, or -1 if the line has too many.
static int tokenize(const char *line) {
  char *w = words;
  ntok = 0;
  for (const char *s = line;;) {
    while (is_blank(*s))
      s++;
    if (ntok == MAXTOK - 1)
      return -1;
    struct token *t = &toks[ntok++];
    t->word = 0;
    if (*s == '\0') {
      t->kind = TK_END;
      return 0;
    }
    switch (*s) {
    case '|': t->kind = TK_PIPE; s++; continue;
    case '&': t->kind = TK_AMP; s++; continue;
    case ';': t->kind = TK_SEMI; s++; continue;
    case '(': t->kind = TK_LPAREN; s++; continue;
    case ')': t->kind = TK_RPAREN; s++; continue;
    case '<': t->kind = TK_IN; s++; continue;
    case '>':
      s++;
      t->kind = TK_OUT;
      if (*s == '>') {
        t->kind = TK_APPEND;
        s++;
      }
      continue;
    }
    t->kind = TK_WORD;
    t->word = w;
    while (*s != '\0' && !is_blank(*s) && !is_special(*s))
      *w++ = *s++;
    *w++ = '\0';
  }
}

// ---------------------------------------------------------------- tree

enum kind { N_CMD, N_GROUP, N_PIPE, N_SEQ, N_BACK };

struct redir {
  int fd;            // 0 for <, 1 for > and >>
  int append;        // >>: start writing at the end of the file
  char *path;
  struct redir *next;
};

struct node {
  enum kind kind;
  struct node *a, *b;          // GROUP/BACK: a; PIPE: a | b; SEQ: a ; b
  char *argv[MAXARG + 1];      // CMD
  int argc;
  struct redir *redirs;        // CMD and GROUP, in the order written
};

static struct node nodes[MAXNODE];
static struct redir redirs[MAXREDIR];
static int nnode, nredir;
static const char *parse_error;  // set by the parser on the first error

static struct node *newnode(enum kind k) {
  if (nnode == MAXNODE) {
    parse_error = "command too complex";
    return 0;
  }
  struct node *n = &nodes[nnode++];
  memset(n, 0, sizeof *n);
  n->kind = k;
  return n;
}

static enum tok peek(void) { return toks[pos].kind; }

static struct node *parse_list(void);

// One redirection at toks[pos], appended to *list. Returns 0 or -1.
static int parse_redir(struct redir **list) {
  enum tok op = toks[pos++].kind;
  if (peek() != TK_WORD) {
    parse_error = "missing file name after redirection";
    return -1;
  }
  if (nredir == MAXREDIR) {
    parse_error = "too many redirections";
    return -1;
  }
  struct redir *r = &redirs[nredir++];
  r->fd = op == TK_IN ? 0 : 1;
  r->append = op == TK_APPEND;
  r->path = toks[pos++].word;
  r->next = 0;
  while (*list)
    list = &(*list)->next;
  *list = r;
  return 0;
}

static int is_redir(enum tok t) { return t == TK_IN || t == TK_OUT || t == TK_APPEND; }

// unit := '(' list ')' redir* | (word | redir)+
// Returns 0 both for an empty unit and on error (parse_error tells).
static struct node *parse_unit(void) {
  if (peek() == TK_LPAREN) {
    pos++;
    struct node *g = newnode(N_GROUP);
    if (g == 0)
      return 0;
    g->a = parse_list();
    if (parse_error)
      return 0;
    if (peek() != TK_RPAREN) {
      parse_error = "missing )";
      return 0;
    }
    pos++;
    while (is_redir(peek()))
      if (parse_redir(&g->redirs) < 0)
        return 0;
    if (peek() == TK_WORD || peek() == TK_LPAREN) {
      parse_error = "unexpected word after )";
      return 0;
    }
    return g;
  }

  if (peek() != TK_WORD && !is_redir(peek()))
    return 0;
  struct node *c = newnode(N_CMD);
  if (c == 0)
    return 0;
  for (;;) {
    if (peek() == TK_WORD) {
      if (c->argc == MAXARG) {
        parse_error = "too many arguments";
        return 0;
      }
      c->argv[c->argc++] = toks[pos++].word;
    } else if (is_redir(peek())) {
      if (parse_redir(&c->redirs) < 0)
        return 0;
    } else {
      break;
    }
  }
  if (peek() == TK_LPAREN) {
    parse_error = "unexpected (";
    return 0;
  }
  c->argv[c->argc] = 0;
  return c;
}

// pipeline := unit ('|' unit)*
static struct node *parse_pipeline(void) {
  struct node *left = parse_unit();
  while (!parse_error && peek() == TK_PIPE) {
    pos++;
    struct node *right = parse_unit();
    if (parse_error)
      return 0;
    if (left == 0 || right == 0) {
      parse_error = "empty command in pipeline";
      return 0;
    }
    struct node *p = newnode(N_PIPE);
    if (p == 0)
      return 0;
    p->a = left;
    p->b = right;
    left = p;
  }
  return parse_error ? 0 : left;
}

// list := [pipeline] ((';' | '&') [pipeline])*
// A pipeline followed by '&' runs in the background. Empty pipelines
// (as in "a ;" or a blank line) are allowed and do nothing.
static struct node *parse_list(void) {
  struct node *head = 0, **tail = &head;
  for (;;) {
    struct node *p = parse_pipeline();
    if (parse_error)
      return 0;
    if (peek() == TK_AMP && p != 0) {
      struct node *bg = newnode(N_BACK);
      if (bg == 0)
        return 0;
      bg->a = p;
      p = bg;
    }
    if (p != 0) {
      // Chain as a right-leaning SEQ: a ; (b ; c).
      if (*tail == 0) {
        *tail = p;
      } else {
        struct node *s = newnode(N_SEQ);
        if (s == 0)
          return 0;
        s->a = *tail;
        s->b = p;
        *tail = s;
        tail = &s->b;
      }
    }
    if (peek() != TK_SEMI && peek() != TK_AMP)
      return head;
    pos++;
  }
}

static struct node *parse(const char *line) {
  nnode = nredir = pos = 0;
  parse_error = 0;
  if (tokenize(line) < 0) {
    parse_error = "line too long";
    return 0;
  }
  struct node *n = parse_list();
  if (!parse_error && peek() != TK_END)
    parse_error = peek() == TK_RPAREN ? "unexpected )" : "syntax error";
  return parse_error ? 0 : n;
}

// ---------------------------------------------------------------- running

static void die(const char *what, const char *arg) __attribute__((noreturn));
static void die(const char *what, const char *arg) {
  printf(2, "%s %s\n", what, arg);
  exit();
}

static int spawn(void) {
  int pid = fork();
  if (pid < 0) {
    printf(2, "sh: fork failed\n");
    exit();
  }
  return pid;
}

// Wait until the child `pid` has exited (reaping any others on the way).
static void await(int pid) {
  int w;
  while ((w = wait()) >= 0 && w != pid)
    ;
}

static void apply_redirs(struct redir *r) {
  for (; r != 0; r = r->next) {
    close(r->fd);
    int mode = r->fd == 0 ? O_RDONLY : O_WRONLY | O_CREATE;
    if (open(r->path, mode) != r->fd)
      die("open failed:", r->path);
    if (r->append)
      lseek(r->fd, 0, SEEK_END);
  }
}

static int is_cd(struct node *n) { return n->kind == N_CMD && n->argc > 0 && strcmp(n->argv[0], "cd") == 0; }

static void do_cd(struct node *n) {
  const char *dir = n->argc > 1 ? n->argv[1] : "/";
  if (chdir(dir) < 0)
    printf(2, "cd: cannot change to %s\n", dir);
}

// Programs live in the root directory: a bare name that is not in the
// current directory is looked for there, so commands work from anywhere.
static char *find_program(char *name) {
  // Static, not on the one-page stack that nested runs share.
  static char path[LINEMAX + 1];
  if (strchr(name, '/') != 0 || strlen(name) >= LINEMAX)
    return name;
  int fd = open(name, O_RDONLY);
  if (fd >= 0) {
    close(fd);
    return name;
  }
  path[0] = '/';
  strcpy(path + 1, name);
  return path;
}

// Carry out the tree in this process, which then exits. Always called
// in a child of the interactive shell, so it may change fds freely.
static void run(struct node *n) __attribute__((noreturn));
static void run(struct node *n) {
  int p[2];

  if (n == 0)
    exit();
  switch (n->kind) {
  case N_CMD:
    apply_redirs(n->redirs);
    if (n->argc == 0)
      exit();
    if (is_cd(n)) {
      // Only changes this child's directory, as in "(cd d; ls)".
      do_cd(n);
      exit();
    }
    exec(find_program(n->argv[0]), n->argv);
    die("exec failed:", n->argv[0]);

  case N_GROUP:
    apply_redirs(n->redirs);
    run(n->a);

  case N_PIPE: {
    if (pipe(p) < 0)
      die("sh:", "pipe failed");
    int left = spawn();
    if (left == 0) {
      close(1);
      dup(p[1]);
      close(p[0]);
      close(p[1]);
      run(n->a);
    }
    int right = spawn();
    if (right == 0) {
      close(0);
      dup(p[0]);
      close(p[0]);
      close(p[1]);
      run(n->b);
    }
    // The parent must drop both ends, or the reader never sees EOF.
    close(p[0]);
    close(p[1]);
    wait();
    wait();
    exit();
  }

  case N_SEQ: {
    if (is_cd(n->a)) {
      do_cd(n->a);  // affects the rest of this list
    } else {
      int pid = spawn();
      if (pid == 0)
        run(n->a);
      await(pid);
    }
    run(n->b);
  }

  case N_BACK:
    // Start the job and leave at once; the job becomes init's child.
    if (spawn() == 0)
      run(n->a);
    exit();
  }
  exit();
}

// Run a parsed line from the interactive shell itself. The parts of a
// top-level list are started one after another from here, so that `cd`
// anywhere in it (as in "mkdir d; cd d; ls") moves this shell.
static void run_top(struct node *n) {
  if (n == 0)
    return;
  if (n->kind == N_SEQ) {
    run_top(n->a);
    run_top(n->b);
    return;
  }
  if (is_cd(n)) {
    do_cd(n);
    return;
  }
  int pid = spawn();
  if (pid == 0)
    run(n);
  await(pid);
}

// ---------------------------------------------------------------- main

static char line[LINEMAX];

int main(int argc, char *argv[]) {
  int fd, interactive = 1;

  // Make sure fds 0, 1 and 2 exist, all on the console.
  while ((fd = open("console", O_RDWR)) >= 0) {
    if (fd >= 3) {
      close(fd);
      break;
    }
  }

  // "sh file" runs the commands in the file, without prompts.
  if (argc > 1) {
    close(0);
    if (open(argv[1], O_RDONLY) != 0) {
      printf(2, "sh: cannot open %s\n", argv[1]);
      exit();
    }
    interactive = 0;
  }

  for (;;) {
    if (interactive)
      write(2, "$ ", 2);
    memset(line, 0, sizeof line);
    gets(line, sizeof line);
    if (line[0] == '\0')
      break;  // end of input

    struct node *n = parse(line);
    if (n == 0 && parse_error)
      printf(2, "sh: %s\n", parse_error);
    else
      run_top(n);
  }
  exit();
}
