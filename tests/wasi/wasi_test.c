/* A WASI command written for wasmrt's tests, compiled to wasm32-wasi with
 * clang and wasi-libc. argv[1] selects a scenario; each prints what it
 * observed, so the test on the host side compares output and exit codes.
 * A scenario that finds something wrong prints "FAIL: ..." and exits 1. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int failed(const char *what) {
    printf("FAIL: %s: %s\n", what, strerror(errno));
    return 1;
}

static int args(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    return 0;
}

static int env(void) {
    for (char **e = environ; *e; e++) printf("%s\n", *e);
    return 0;
}

/* Everything a program does with files, in the preopened /data. */
static int files(void) {
    if (mkdir("/data/dir", 0755) != 0) return failed("mkdir");
    FILE *f = fopen("/data/dir/a.txt", "w");
    if (!f) return failed("fopen w");
    fprintf(f, "line one\nline two\n");
    fclose(f);
    f = fopen("/data/dir/a.txt", "a");
    if (!f) return failed("fopen a");
    fputs("line three\n", f);
    fclose(f);
    struct stat st;
    if (stat("/data/dir/a.txt", &st) != 0) return failed("stat");
    printf("size=%lld\n", (long long)st.st_size);
    int fd = open("/data/dir/a.txt", O_RDONLY);
    if (fd < 0) return failed("open");
    char buf[64] = {0};
    if (lseek(fd, 5, SEEK_SET) != 5) return failed("lseek");
    ssize_t n = read(fd, buf, 3);
    printf("read=%.*s\n", (int)n, buf);
    if (pread(fd, buf, 4, 9) != 4) return failed("pread");
    printf("pread=%.4s\n", buf);
    close(fd);
    if (rename("/data/dir/a.txt", "/data/dir/b.txt") != 0) return failed("rename");
    if (symlink("b.txt", "/data/dir/link") != 0) return failed("symlink");
    char target[32] = {0};
    if (readlink("/data/dir/link", target, sizeof target - 1) < 0) return failed("readlink");
    printf("readlink=%s\n", target);
    if (link("/data/dir/b.txt", "/data/dir/hard") != 0) return failed("link");
    if (truncate("/data/dir/hard", 4) != 0) return failed("truncate");
    DIR *d = opendir("/data/dir");
    if (!d) return failed("opendir");
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) count++;
    }
    closedir(d);
    printf("entries=%d\n", count);
    if (rmdir("/data/dir") == 0 || errno != ENOTEMPTY) return failed("rmdir of non-empty dir");
    if (unlink("/data/dir/link") || unlink("/data/dir/b.txt") || unlink("/data/dir/hard"))
        return failed("unlink");
    if (rmdir("/data/dir") != 0) return failed("rmdir");
    if (open("/data/missing", O_RDONLY) >= 0 || errno != ENOENT) return failed("open missing");
    printf("files ok\n");
    return 0;
}

static long long ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int clocks(void) {
    long long wall = ns(CLOCK_REALTIME);
    if (wall < 1600000000LL * 1000000000LL) return failed("realtime clock before 2020");
    long long t0 = ns(CLOCK_MONOTONIC);
    struct timespec nap = {0, 20 * 1000 * 1000};
    if (nanosleep(&nap, NULL) != 0) return failed("nanosleep");
    long long slept = ns(CLOCK_MONOTONIC) - t0;
    if (slept < 20 * 1000 * 1000) return failed("slept less than asked");
    struct timespec res;
    if (clock_getres(CLOCK_MONOTONIC, &res) != 0) return failed("clock_getres");
    printf("clock ok\n");
    return 0;
}

static int randomness(void) {
    unsigned char a[32] = {0}, b[32] = {0};
    if (getentropy(a, sizeof a) || getentropy(b, sizeof b)) return failed("getentropy");
    if (!memcmp(a, b, sizeof a)) return failed("two random draws equal");
    printf("random ok\n");
    return 0;
}

/* Upper-cases stdin to stdout; a note to stderr. */
static int stdio(void) {
    int c;
    while ((c = getchar()) != EOF) putchar(c >= 'a' && c <= 'z' ? c - 32 : c);
    fprintf(stderr, "to stderr\n");
    return 0;
}

static int polling(void) {
    long long t0 = ns(CLOCK_MONOTONIC);
    if (poll(NULL, 0, 30) != 0) return failed("poll timeout");
    if (ns(CLOCK_MONOTONIC) - t0 < 30 * 1000 * 1000) return failed("poll returned early");
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int n = poll(&p, 1, 5000);
    if (n != 1 || !(p.revents & POLLIN)) return failed("poll stdin");
    printf("poll ok\n");
    return 0;
}

/* Each way out of the sandbox must fail. /data holds symlinks the host
 * test prepared: abs -> /etc/passwd-like absolute path, rel ->
 * ../secret, up -> .. (a directory outside), nested/deep -> ../../secret. */
static int escapes(void) {
    const char *paths[] = {"/data/../secret", "/data/abs", "/data/rel", "/data/up/secret",
                           "/data/nested/deep", "/data/nested/../../secret", "/secret",
                           "/etc/passwd", "../secret"};
    int bad = 0;
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        int fd = open(paths[i], O_RDONLY);
        if (fd >= 0) {
            printf("ESCAPED: %s\n", paths[i]);
            bad = 1;
        } else {
            printf("refused %s\n", paths[i]);
        }
    }
    if (link("/data/../secret", "/data/stolen") == 0 || link("/data/up/secret", "/data/stolen") == 0) {
        printf("ESCAPED: hard link\n");
        bad = 1;
    } else {
        printf("refused hard link\n");
    }
    if (symlink("/etc/passwd", "/data/pw") == 0) {
        printf("ESCAPED: absolute symlink created\n");
        bad = 1;
    } else {
        printf("refused absolute symlink\n");
    }
    if (mkdir("/data/up/made", 0755) == 0 || rename("/data/inside", "/data/../moved") == 0) {
        printf("ESCAPED: mkdir or rename outside\n");
        bad = 1;
    } else {
        printf("refused mkdir and rename outside\n");
    }
    /* Inside stays usable, also through a symlink that stays inside. */
    int fd = open("/data/nested/ok", O_RDONLY);
    char buf[16] = {0};
    if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0) return failed("open inside via symlink");
    printf("inside: %s\n", buf);
    return bad;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: wasi_test SCENARIO\n");
        return 2;
    }
    const char *s = argv[1];
    if (!strcmp(s, "args")) return args(argc, argv);
    if (!strcmp(s, "env")) return env();
    if (!strcmp(s, "exit")) exit(argc > 2 ? atoi(argv[2]) : 0);
    if (!strcmp(s, "files")) return files();
    if (!strcmp(s, "clock")) return clocks();
    if (!strcmp(s, "random")) return randomness();
    if (!strcmp(s, "stdio")) return stdio();
    if (!strcmp(s, "poll")) return polling();
    if (!strcmp(s, "escape")) return escapes();
    if (!strcmp(s, "trap")) __builtin_trap();
    fprintf(stderr, "unknown scenario %s\n", s);
    return 2;
}
