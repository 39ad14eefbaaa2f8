// A tiny file to talk about with Tack.

export function greet(name: string): string {
  const trimmed = name.trim();
  return trimmed ? `Hello, ${trimmed}!` : 'Hello, whoever you are!';
}

export function shout(text: string, times = 1): string {
  return Array.from({ length: times }, () => text.toUpperCase()).join(' ');
}

console.log(greet('Tack'), shout('pinned', 2));
