// SDLLoader.c: the SDL functions kenix-sim's window calls, loading
// libSDL2 on the first call.
//
// Why: linking SDL2 made every kenix-sim process load it and the ~40
// libraries it pulls in (X11, Wayland, PulseAudio, D-Bus, codecs) before
// `main`: ~10 ms of a process's start on this project's machine kind, in
// every run, although only a run that opens a window uses SDL (a headless
// boot, every benchmark and test run does not). Each function below
// forwards to the library's own, found with dlsym; SDL_Init and the
// functions before it return SDL's failure values when the library cannot
// be loaded, and SDL_GetError then says why, so the window reports it and
// the run goes on headless as it does without a display. SDL's own code
// calls its internal entry points (its dynamic API), never these.
#include "CSDL2.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static void *library;
static char failure[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    library = dlopen("libSDL2-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "cannot load SDL2 (libSDL2-2.0.so.0): %s", why ? why : "unknown error");
    }
}

/// The library's `name`, or NULL if it cannot be loaded.
static void *symbol(const char *name) {
    pthread_once(&once, load);
    return library ? dlsym(library, name) : NULL;
}

#define FORWARD(type, name, params, args, fallback)                          \
    type name params {                                                       \
        static type(*real) params;                                           \
        if (!real && !(real = (type(*) params)symbol(#name))) return fallback; \
        return real args;                                                    \
    }

#define FORWARD_VOID(name, params, args)                                     \
    void name params {                                                       \
        static void(*real) params;                                           \
        if (!real && !(real = (void(*) params)symbol(#name))) return;        \
        real args;                                                           \
    }

FORWARD(const char *, SDL_GetError, (void), (), failure)
FORWARD(SDL_bool, SDL_SetHint, (const char *name, const char *value), (name, value), SDL_FALSE)
FORWARD(int, SDL_Init, (Uint32 flags), (flags), -1)
FORWARD_VOID(SDL_Quit, (void), ())
FORWARD(SDL_Window *, SDL_CreateWindow, (const char *title, int x, int y, int w, int h, Uint32 flags),
        (title, x, y, w, h, flags), NULL)
FORWARD_VOID(SDL_DestroyWindow, (SDL_Window *window), (window))
FORWARD(int, SDL_GetDisplayUsableBounds, (int index, SDL_Rect *rect), (index, rect), -1)
FORWARD(SDL_Renderer *, SDL_CreateRenderer, (SDL_Window *window, int index, Uint32 flags), (window, index, flags), NULL)
FORWARD_VOID(SDL_DestroyRenderer, (SDL_Renderer *renderer), (renderer))
FORWARD(int, SDL_RenderSetLogicalSize, (SDL_Renderer *renderer, int w, int h), (renderer, w, h), -1)
FORWARD(int, SDL_SetRenderDrawColor, (SDL_Renderer *renderer, Uint8 r, Uint8 g, Uint8 b, Uint8 a),
        (renderer, r, g, b, a), -1)
FORWARD(int, SDL_RenderClear, (SDL_Renderer *renderer), (renderer), -1)
FORWARD(int, SDL_RenderCopy, (SDL_Renderer *renderer, SDL_Texture *texture, const SDL_Rect *from, const SDL_Rect *to),
        (renderer, texture, from, to), -1)
FORWARD_VOID(SDL_RenderPresent, (SDL_Renderer *renderer), (renderer))
FORWARD(SDL_Texture *, SDL_CreateTexture, (SDL_Renderer *renderer, Uint32 format, int access, int w, int h),
        (renderer, format, access, w, h), NULL)
FORWARD_VOID(SDL_DestroyTexture, (SDL_Texture *texture), (texture))
FORWARD(int, SDL_UpdateTexture, (SDL_Texture *texture, const SDL_Rect *rect, const void *pixels, int pitch),
        (texture, rect, pixels, pitch), -1)
FORWARD_VOID(SDL_StopTextInput, (void), ())
FORWARD(Uint64, SDL_GetTicks64, (void), (), 0)
FORWARD(int, SDL_PollEvent, (SDL_Event *event), (event), 0)
FORWARD(int, SDL_WaitEventTimeout, (SDL_Event *event, int timeout), (event, timeout), 0)
