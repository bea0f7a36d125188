/* A WASI program in C (clang + wasi-libc), run by tests/wasi_toolchains.rs
 * under `wasmrt run` and under wasmtime: args, environment, files and
 * directories in a preopened directory, stdin/stdout/stderr, exit code. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern char **environ;

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  printf("args:");
  for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
  printf("\n");
  char *env[64];
  int n = 0;
  for (char **e = environ; *e && n < 64; e++) env[n++] = *e;
  qsort(env, (size_t)n, sizeof env[0], by_name);
  printf("env:");
  for (int i = 0; i < n; i++) printf(" [%s]", env[i]);
  printf("\n");

  if (mkdir("/out/sub", 0755) != 0 || mkdir("/out/sub/deeper", 0755) != 0) return 2;
  FILE *f = fopen("/out/sub/hello.txt", "w");
  if (!f) return 3;
  fputs("hello from c\n", f);
  fclose(f);
  char back[64] = {0};
  f = fopen("/out/sub/hello.txt", "r");
  if (!f || !fgets(back, sizeof back, f)) return 4;
  fclose(f);
  printf("read back: %s", back);

  char *names[16];
  int count = 0;
  DIR *d = opendir("/out/sub");
  if (!d) return 5;
  for (struct dirent *e; (e = readdir(d)) && count < 16;)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[count++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)count, sizeof names[0], by_name);
  printf("dir:");
  for (int i = 0; i < count; i++) printf(" [%s]", names[i]);
  printf("\n");

  if (rename("/out/sub/hello.txt", "/out/moved.txt") != 0) return 6;
  struct stat st;
  if (stat("/out/moved.txt", &st) != 0) return 7;
  printf("size: %lld\n", (long long)st.st_size);
  FILE *escape = fopen("/out/../etc/passwd", "r");
  printf("escape: %s\n", escape ? "true" : "false");
  fprintf(stderr, "to stderr\n");

  size_t total = 0;
  char line[256];
  while (fgets(line, sizeof line, stdin)) total += strcspn(line, "\n");
  printf("stdin bytes without newlines: %zu\n", total);
  fflush(stdout);
  return argc > 1 ? atoi(argv[1]) : 0;
}
