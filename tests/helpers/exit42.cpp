// Helper: exits with status 42 (the process tests exec it from a worker).
int main() { return 42; }
