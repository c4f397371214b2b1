// Command server is one of two programs with the same name.
package main

func main() { println("p1") }
