// first_frame_probe: how long a window takes to appear and how long it then
// shows nothing (one flat colour) before its first frame, seen from outside,
// as a person sees it. For the window's start-up (bench/startup_timing.sh).
//
//   first_frame_probe PROGRAM ARGS...
// starts PROGRAM, waits for its first top-level window to be mapped, then
// reads the window's pixels every few ms until they are not all one colour
// (run the X server with a black root, Xvfb -br, so an undrawn window reads
// black), prints
//   mapped_ms=<from start to mapped> content_ms=<from start to drawn> blank_ms=<mapped but undrawn>
// and ends the program (SIGTERM). Exit 1 if no window drew within 120 s.
// Build: cc -O2 -o first_frame_probe first_frame_probe.c -lX11
#define _POSIX_C_SOURCE 200809L
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double nowMs(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Whether every pixel of the window is the same colour (undrawn); *black:
// and that colour is black.
static int flat(Display* d, Window w, int* black) {
    *black = 0;
    XWindowAttributes a;
    if (!XGetWindowAttributes(d, w, &a) || a.map_state != IsViewable) return 1;
    XImage* img = XGetImage(d, w, 0, 0, (unsigned)a.width, (unsigned)a.height, AllPlanes, ZPixmap);
    if (!img) return 1;
    const unsigned long first = XGetPixel(img, 0, 0);
    int same = 1;
    for (int y = 0; y < a.height && same; y += 3)
        for (int x = 0; x < a.width; x += 3)
            if (XGetPixel(img, x, y) != first) { same = 0; break; }
    if (same) *black = (first & 0xFFFFFF) == 0;
    XDestroyImage(img);
    return same;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: first_frame_probe PROGRAM ARGS...\n");
        return 2;
    }
    Display* d = XOpenDisplay(NULL);
    if (!d) {
        fprintf(stderr, "first_frame_probe: no X display\n");
        return 2;
    }
    XSelectInput(d, DefaultRootWindow(d), SubstructureNotifyMask);
    XSync(d, False);
    const double t0 = nowMs();
    const pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    Window win = 0;
    double mapped = -1, content = -1, lastBlack = -1;
    while (nowMs() - t0 < 120e3) {
        while (XPending(d)) {
            XEvent e;
            XNextEvent(d, &e);
            if (e.type == MapNotify && !win && !e.xmap.override_redirect) {
                win = e.xmap.window;
                mapped = nowMs() - t0;
            }
        }
        int black = 0;
        if (win && !flat(d, win, &black)) {
            content = nowMs() - t0;
            break;
        }
        if (win && black) lastBlack = nowMs() - t0;
        if (waitpid(pid, NULL, WNOHANG) == pid) break;
        const struct timespec pause = {0, (win ? 2 : 5) * 1000000L};
        nanosleep(&pause, NULL);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    if (content < 0) {
        fprintf(stderr, "first_frame_probe: no drawn window within 120 s\n");
        return 1;
    }
    printf("mapped_ms=%.0f content_ms=%.0f blank_ms=%.0f black_ms=%.0f\n", mapped, content, content - mapped,
           lastBlack < 0 ? 0.0 : lastBlack - mapped);
    return 0;
}
