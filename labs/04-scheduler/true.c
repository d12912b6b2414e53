// true.c — does nothing, successfully (for spawn/exit loops).
int main(void)
{
    return 0;
}
