// SDL2 for kenix-sim's window (Debian's libsdl2-dev). Only SimWindow.swift
// imports this module. The library itself is not linked: SDLLoader.c loads
// it on the first call (see there why), so these are SDL's declarations and
// SDLLoader.c's definitions of the few functions the window calls.
//
// The additions wrap what Swift cannot use directly: function-like macros
// (SDL_WINDOWPOS_UNDEFINED) and the fields of the SDL_Event union that the
// window reads.
#ifndef KENIX_CSDL2_SHIM_H
#define KENIX_CSDL2_SHIM_H

#include <SDL2/SDL.h>
#include <stdint.h>

/// A resizable window of `width` × `height` at a position the window
/// manager picks.
static inline SDL_Window *kenix_sdl_create_window(const char *title, int width, int height) {
    return SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                            width, height, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
}

/// A streaming texture in the framebuffer's format: 32-bit 0x00RRGGBB words.
static inline SDL_Texture *kenix_sdl_create_xrgb_texture(SDL_Renderer *r, int width, int height) {
    return SDL_CreateTexture(r, SDL_PIXELFORMAT_XRGB8888, SDL_TEXTUREACCESS_STREAMING, width, height);
}

/// What the window does with one event (see kenix_sdl_next_event).
#define KENIX_SDL_NONE 0
#define KENIX_SDL_QUIT 1
#define KENIX_SDL_KEY 2
#define KENIX_SDL_REDRAW 3
#define KENIX_SDL_OTHER 4

/// One event, decoded: its kind; for a key, the scancode (a USB HID usage),
/// whether it is a press and whether it is an autorepeat. `wait_ms` < 0
/// polls, otherwise waits up to that long. KENIX_SDL_NONE: no event.
static inline int kenix_sdl_next_event(int wait_ms, uint32_t *scancode, int *pressed, int *repeat) {
    SDL_Event e;
    int got = wait_ms < 0 ? SDL_PollEvent(&e) : SDL_WaitEventTimeout(&e, wait_ms);
    if (!got) return KENIX_SDL_NONE;
    switch (e.type) {
    case SDL_QUIT:
        return KENIX_SDL_QUIT;
    case SDL_WINDOWEVENT:
        if (e.window.event == SDL_WINDOWEVENT_CLOSE) return KENIX_SDL_QUIT;
        if (e.window.event == SDL_WINDOWEVENT_EXPOSED || e.window.event == SDL_WINDOWEVENT_RESIZED
            || e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) return KENIX_SDL_REDRAW;
        return KENIX_SDL_OTHER;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        *scancode = (uint32_t)e.key.keysym.scancode;
        *pressed = e.type == SDL_KEYDOWN;
        *repeat = e.key.repeat != 0;
        return KENIX_SDL_KEY;
    default:
        return KENIX_SDL_OTHER;
    }
}

#endif
