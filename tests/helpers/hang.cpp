// Helper: sleeps until killed (leak-check and timeout tests).
#include <unistd.h>
int main() {
    for (;;) pause();
}
