// A time series held in typed arrays: appends are O(1), old points are dropped from the front
// without copying every time, and a chart reads a window by binary search.

export class Series {
  constructor(name, maxPoints = 50000) {
    this.name = name;
    this.maxPoints = maxPoints;
    this.t = new Float64Array(256);
    this.v = new Float64Array(256);
    this.start = 0;
    this.end = 0;
  }

  get length() {
    return this.end - this.start;
  }

  time(index) {
    return this.t[this.start + index];
  }

  value(index) {
    return this.v[this.start + index];
  }

  get lastTime() {
    return this.end > this.start ? this.t[this.end - 1] : -Infinity;
  }

  get lastValue() {
    return this.end > this.start ? this.v[this.end - 1] : NaN;
  }

  clear() {
    this.start = 0;
    this.end = 0;
  }

  /** Appends a point; times are expected in order (an older one is inserted where it belongs). */
  push(time, value) {
    if (this.end > this.start && time < this.t[this.end - 1]) {
      this.insert(time, value);
      return;
    }
    this.reserve();
    this.t[this.end] = time;
    this.v[this.end] = value;
    this.end += 1;
  }

  /** Replaces the last point's value (a bucket that is still filling). */
  setLast(value) {
    if (this.end > this.start) this.v[this.end - 1] = value;
  }

  insert(time, value) {
    const index = this.start + this.indexAtOrAfter(time);
    this.reserve();
    this.t.copyWithin(index + 1, index, this.end);
    this.v.copyWithin(index + 1, index, this.end);
    this.t[index] = time;
    this.v[index] = value;
    this.end += 1;
  }

  reserve() {
    if (this.length >= this.maxPoints) this.start += 1;
    if (this.end < this.t.length) return;
    const count = this.length;
    if (this.start > 0 && count < this.t.length * 0.75) {
      this.t.copyWithin(0, this.start, this.end);
      this.v.copyWithin(0, this.start, this.end);
    } else {
      const t = new Float64Array(this.t.length * 2);
      const v = new Float64Array(this.v.length * 2);
      t.set(this.t.subarray(this.start, this.end));
      v.set(this.v.subarray(this.start, this.end));
      this.t = t;
      this.v = v;
    }
    this.start = 0;
    this.end = count;
  }

  /** Drops points older than `time`. */
  dropBefore(time) {
    this.start += this.indexAtOrAfter(time);
    if (this.start === this.end) this.clear();
  }

  /** Index (0-based, relative) of the first point at or after `time`. */
  indexAtOrAfter(time) {
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.t[middle] < time) low = middle + 1;
      else high = middle;
    }
    return low - this.start;
  }

  /** Index of the point nearest `time`, or -1 when empty. */
  nearest(time) {
    if (this.length === 0) return -1;
    const after = this.indexAtOrAfter(time);
    if (after === 0) return 0;
    if (after >= this.length) return this.length - 1;
    return time - this.time(after - 1) <= this.time(after) - time ? after - 1 : after;
  }
}
