/** FIFO queue with O(1) push/shift (Array#shift is O(n): quadratic with 10,000 waiters). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Counting semaphore with weights (an action needing 2 cpus takes 2 slots). FIFO fair. */
export class Semaphore {
  private used = 0;
  private readonly waiters = new Queue<{ weight: number; resolve: () => void }>();

  constructor(readonly capacity: number) {}

  async acquire(weight = 1): Promise<() => void> {
    const w = Math.max(1, Math.min(weight, this.capacity));
    if (this.waiters.length === 0 && this.used + w <= this.capacity) {
      this.used += w;
    } else {
      await new Promise<void>((resolve) => this.waiters.push({ weight: w, resolve }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= w;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.used + this.waiters.peek()!.weight <= this.capacity) {
      const next = this.waiters.shift()!;
      this.used += next.weight;
      next.resolve();
    }
  }
}

/** Hands out GPU device ids; instances wait until enough devices are free. */
export class DevicePool {
  private readonly free: string[];
  private readonly waiters = new Queue<{ count: number; resolve: (ids: string[]) => void }>();

  constructor(readonly devices: string[]) {
    this.free = [...devices];
  }

  async acquire(count: number): Promise<string[]> {
    if (count <= 0) return [];
    if (this.waiters.length === 0 && this.free.length >= count) return this.free.splice(0, count);
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  release(ids: string[]): void {
    this.free.push(...ids);
    while (this.waiters.length > 0 && this.free.length >= this.waiters.peek()!.count) {
      const next = this.waiters.shift()!;
      next.resolve(this.free.splice(0, next.count));
    }
  }
}
