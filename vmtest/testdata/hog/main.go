// Command hog allocates memory until the kernel's OOM killer ends it.
package main

func main() {
	var keep [][]byte
	for {
		b := make([]byte, 16<<20)
		for i := range b {
			b[i] = 1 // touch every page
		}
		keep = append(keep, b)
	}
}
