// PagerPolicy: when the pager writes pages out, from the number of frames.
// Below `low` free frames it starts page-outs until free frames plus the
// frames being written reach `high`, ahead of need, so a task rarely waits
// for the disk. The last `reserve` frames are the kernel's own (translation
// tables, new address spaces): a user page is never given one of them, so
// the kernel's memory is never taken out of what tasks can have unnoticed.

struct PagerPolicy {
    let reserve: Int
    let low: Int
    let high: Int

    init(frameCount: Int) {
        reserve = min(16, frameCount / 8)
        let step = max(16, frameCount / 64)
        low = reserve + step
        high = low + step
    }
}
