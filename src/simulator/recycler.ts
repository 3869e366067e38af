/**
 * Typed arrays recycled within one run. The first write to each page of fresh memory is a page fault,
 * and on a busy virtual machine that costs more than the work done on the array: filling a fresh
 * 8 MB Float64Array took 30–50 ms on the 2-core bench machine, refilling it 1–3 ms. So the arrays a
 * run drops (the population's before its accounts are grouped) are handed out again as the
 * settlement's scratch instead of being allocated anew. Arrays handed out are zero-filled, like `new`;
 * an array once released must not be used by its former owner.
 */
export class Recycler {
  private readonly spare: ArrayBuffer[] = [];

  /** The arrays' memory may be handed out again (only whole buffers: views into part of one are ignored). */
  release(...arrays: ArrayBufferView[]): void {
    for (const array of arrays) {
      if (array.byteOffset === 0 && array.byteLength === array.buffer.byteLength && array.buffer instanceof ArrayBuffer) this.spare.push(array.buffer);
    }
  }

  float64(length: number): Float64Array {
    const buffer = this.take(length * Float64Array.BYTES_PER_ELEMENT);
    return buffer ? new Float64Array(buffer, 0, length).fill(0) : new Float64Array(length);
  }

  int32(length: number): Int32Array {
    const buffer = this.take(length * Int32Array.BYTES_PER_ELEMENT);
    return buffer ? new Int32Array(buffer, 0, length).fill(0) : new Int32Array(length);
  }

  uint8(length: number): Uint8Array {
    const buffer = this.take(length);
    return buffer ? new Uint8Array(buffer, 0, length).fill(0) : new Uint8Array(length);
  }

  /** The smallest spare buffer that holds `bytes`, unless it is more than twice that (kept for a larger array). */
  private take(bytes: number): ArrayBuffer | null {
    let best = -1;
    for (let k = 0; k < this.spare.length; k++) {
      const size = this.spare[k].byteLength;
      if (size >= bytes && (best < 0 || size < this.spare[best].byteLength)) best = k;
    }
    if (best < 0 || bytes === 0 || this.spare[best].byteLength > 2 * bytes) return null;
    const [buffer] = this.spare.splice(best, 1);
    return buffer;
  }
}
